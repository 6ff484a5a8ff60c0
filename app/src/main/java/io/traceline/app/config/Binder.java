package io.traceline.app.config;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.traceline.app.config.Schema.Leaf;
import io.traceline.app.config.Schema.Node;
import io.traceline.app.config.Schema.PassThrough;
import io.traceline.app.config.Schema.Section;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Checks a merged tree against a {@link Schema}, collecting every problem (unknown keys with a "did
 * you mean", values of the wrong type with their path, required keys not set) instead of stopping
 * at the first; then binds it with Jackson and adds the records' own {@code problems()}. A value
 * with a problem is replaced by its default before binding, so that the records' checks still run
 * and do not report it a second time. One per load; not thread-safe.
 */
final class Binder {

  /**
   * A problem.
   *
   * @param path the dotted path of the key it is about, or null
   * @param line the message, starting with the path
   */
  record Problem(String path, String line) {}

  private static final Pattern COMMA = Pattern.compile(",");

  private final Schema schema;
  private final ObjectNode defaults;
  private final Map<String, String> flagNames;
  private final List<Problem> problems = new ArrayList<>();

  /**
   * @param schema the keys
   * @param defaults the defaults as a tree, which replace bad values
   * @param flagNames the flag of each key that has one, for messages
   */
  Binder(Schema schema, ObjectNode defaults, Map<String, String> flagNames) {
    this.schema = schema;
    this.defaults = defaults;
    this.flagNames = flagNames;
  }

  /** Every problem found so far. */
  List<Problem> problems() {
    return List.copyOf(problems);
  }

  /** Checks and binds {@code tree} (which it repairs in place); null when it cannot be bound. */
  <T> T bind(Class<T> type, ObjectNode tree) {
    check(schema.root(), tree, List.of());
    T value;
    try {
      value = Mappers.BIND.treeToValue(tree, type);
    } catch (IOException | IllegalArgumentException e) {
      problems.add(new Problem(null, "cannot be bound: " + rootMessage(e)));
      return null;
    }
    validate(schema.root(), value, List.of());
    return value;
  }

  private void check(Section section, ObjectNode node, List<String> path) {
    for (String name : new ArrayList<>(fieldNames(node))) {
      if (!section.keys().containsKey(name)) {
        problem(join(Schema.append(path, name)), unknown(name, section));
        node.remove(name);
      }
    }
    for (Map.Entry<String, Node> key : section.keys().entrySet()) {
      String name = key.getKey();
      List<String> childPath = Schema.append(path, name);
      JsonNode value = node.get(name);
      if ((value == null || value.isNull()) && key.getValue() instanceof Section) {
        // An absent section is an empty one, so that its required keys are reported.
        value = node.putObject(name);
      }
      if (value == null || value.isNull()) {
        if (section.required().contains(name)) {
          problem(join(childPath), required(childPath));
          // Present but null: Jackson enforces @JsonProperty(required = true) on presence only, so
          // the record still binds and its own checks still run.
          node.putNull(name);
        }
        continue;
      }
      if (key.getValue() instanceof Section child) {
        if (value instanceof ObjectNode object) {
          check(child, object, childPath);
        } else {
          problem(join(childPath), shown(childPath, value) + " is not a section");
          restore(node, name, childPath);
        }
      } else if (key.getValue() instanceof PassThrough map) {
        checkMap(map, node, name, childPath);
      } else {
        checkLeaf(((Leaf) key.getValue()).type(), node, name, childPath);
      }
    }
  }

  private void checkMap(PassThrough map, ObjectNode parent, String name, List<String> path) {
    JsonNode value = parent.get(name);
    if (!(value instanceof ObjectNode object)) {
      problem(join(path), shown(path, value) + " is not a mapping of keys to values");
      restore(parent, name, path);
      return;
    }
    ObjectNode flat = JsonNodeFactory.instance.objectNode();
    flatten(object, "", flat);
    parent.set(name, flat);
    JavaType valueType = map.type().getContentType();
    for (String key : new ArrayList<>(fieldNames(flat))) {
      if (flat.get(key).isNull()) {
        flat.remove(key);
      } else if (!converts(flat.get(key), valueType)) {
        List<String> entryPath = Schema.append(path, key);
        problem(
            join(entryPath), shown(entryPath, flat.get(key)) + " is not " + expected(valueType));
        flat.remove(key);
      }
    }
  }

  /** {@code ssl: {truststore.location: x}} is the entry {@code ssl.truststore.location}. */
  private static void flatten(ObjectNode node, String prefix, ObjectNode into) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = prefix + field.getKey();
      if (field.getValue() instanceof ObjectNode nested) {
        flatten(nested, key + ".", into);
      } else {
        into.set(key, field.getValue());
      }
    }
  }

  private void checkLeaf(JavaType type, ObjectNode parent, String name, List<String> path) {
    JsonNode value = parent.get(name);
    if ((type.isCollectionLikeType() || type.isArrayType()) && value.isTextual()) {
      ArrayNode items = JsonNodeFactory.instance.arrayNode();
      for (String item : COMMA.split(value.asText(), -1)) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      parent.set(name, items);
      value = items;
    }
    if (!converts(value, type)) {
      problem(join(path), shown(path, value) + " is not " + expected(type));
      restore(parent, name, path);
    }
  }

  private static boolean converts(JsonNode value, JavaType type) {
    try {
      Mappers.BIND.readerFor(type).readValue(value);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Puts the default back (or removes the value when there is none). */
  private void restore(ObjectNode parent, String name, List<String> path) {
    JsonNode d = defaults;
    for (String p : path) {
      d = d == null ? null : d.get(p);
    }
    if (d == null || d.isNull()) {
      parent.remove(name);
    } else {
      parent.set(name, d.deepCopy());
    }
  }

  /** Runs {@code problems()} of every section, its lines prefixed with the section's path. */
  private void validate(Section section, Object value, List<String> path) {
    if (value == null) {
      return;
    }
    if (section.problems() != null) {
      String prefix = path.isEmpty() ? "" : join(path) + ".";
      try {
        for (Object line : (List<?>) section.problems().invoke(value)) {
          String text = String.valueOf(line);
          problems.add(new Problem(prefix + firstWord(text), prefix + text));
        }
      } catch (IllegalAccessException | InvocationTargetException e) {
        problems.add(
            new Problem(
                null,
                (path.isEmpty() ? "" : join(path) + ": ")
                    + "cannot be validated: "
                    + rootMessage(e)));
      }
    }
    for (Map.Entry<String, Node> key : section.keys().entrySet()) {
      if (key.getValue() instanceof Section child) {
        try {
          Object childValue = section.accessors().get(key.getKey()).invoke(value);
          validate(child, childValue, Schema.append(path, key.getKey()));
        } catch (IllegalAccessException | InvocationTargetException e) {
          problems.add(new Problem(null, "cannot be validated: " + rootMessage(e)));
        }
      }
    }
  }

  private void problem(String path, String message) {
    problems.add(new Problem(path, path + ": " + message));
  }

  private String unknown(String name, Section section) {
    String nearest = Suggestions.nearest(name, section.keys().keySet());
    if (nearest != null) {
      return "unknown key (did you mean " + nearest + "?)";
    }
    return "unknown key; the keys here are " + String.join(", ", section.keys().keySet());
  }

  private String required(List<String> path) {
    StringJoiner ways = new StringJoiner(", ");
    ways.add(join(path) + " in the file");
    ways.add(Schema.envName(path));
    String flag = flagNames.get(join(path));
    if (flag != null) {
      ways.add(flag);
    }
    return "required but not set (set " + ways + ")";
  }

  /** The value as quoted in a message; never the value of a secret. */
  private static String shown(List<String> path, JsonNode value) {
    if (value == null || value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    if (Secrets.isSecret(join(path))) {
      return "the value (hidden)";
    }
    return "'" + value.asText() + "'";
  }

  /** What a value of {@code type} looks like, for messages. */
  static String expected(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (raw == Duration.class) {
      return "a duration (examples: 500ms, 60s, 5m, 1h, PT30S)";
    }
    if (raw == Instant.class) {
      return "a time (ISO-8601 such as 2025-11-14T08:00:00Z, or epoch milliseconds)";
    }
    if (raw == int.class || raw == Integer.class) {
      return "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }
    if (raw == long.class || raw == Long.class || raw == short.class || raw == Short.class) {
      return "a whole number";
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      return "a number";
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return "true or false";
    }
    if (raw.isEnum()) {
      StringJoiner values = new StringJoiner(", ");
      for (Object constant : raw.getEnumConstants()) {
        values.add(Mappers.BIND.valueToTree(constant).asText());
      }
      return "one of " + values;
    }
    if (raw == Path.class) {
      return "a path";
    }
    if (raw == String.class) {
      return "a single value";
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      return "a list of " + expected(type.getContentType());
    }
    if (type.isMapLikeType()) {
      return "a mapping of keys to values";
    }
    return "a " + raw.getSimpleName();
  }

  private static String firstWord(String line) {
    int end = 0;
    while (end < line.length()
        && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '.')) {
      end++;
    }
    return line.substring(0, end);
  }

  private static Collection<String> fieldNames(ObjectNode node) {
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      names.add(field.getKey());
    }
    return names;
  }

  static String join(List<String> path) {
    return String.join(".", path);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }
}
