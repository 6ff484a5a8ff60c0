package io.traceline.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.traceline.app.UsageException;
import io.traceline.app.config.FlagOverrides.Flag;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads a stage's configuration record from defaults, a file, the environment and flags (each
 * overriding the one before), checks it, and reports every problem at once.
 *
 * <p>The target is a Java record whose components are the keys: a nested record is a section, a
 * {@code Map<String, scalar>} is a pass-through map (raw client properties), anything else is a
 * value bound by Jackson. Defaults come from the record's {@code public static T defaults()} when
 * it has one. A component whose accessor carries {@code @JsonProperty(required = true)} must be
 * set. Every record (the root and each section) may have a {@code public List<String> problems()}
 * that lists its invalid values, one per line, each starting with the component's name ({@code
 * "bootstrapServers must name at least one broker"}); the loader prefixes the section's path and
 * says where the value came from. A {@code problems()} need not report a required value that is
 * missing (the loader does), and must not quote the value of a secret.
 *
 * <p>Reusable and thread-safe: it keeps only the environment it was given.
 *
 * @see ConfigOptions the command-line side
 */
public final class ConfigLoader {

  private static final Pattern DOT = Pattern.compile("\\.");
  private static final String DEFAULT = "default";

  private final Map<String, String> environment;

  /**
   * @param environment the environment variables to read ({@code System.getenv()} in production; a
   *     map in tests)
   */
  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * Loads {@code type}.
   *
   * @param type a record type
   * @param file the configuration file (YAML, or {@code .properties}), or null for none
   * @param flags the flags' values
   * @return the valid configuration
   * @throws UsageException listing every problem, one per line, when the configuration is invalid
   * @throws IllegalArgumentException when {@code type} is not a usable record, or a flag names a
   *     key {@code type} does not have (programming errors)
   */
  public <T> EffectiveConfig<T> load(Class<T> type, Path file, FlagOverrides flags) {
    Schema schema = Schema.of(type);
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();

    ObjectNode defaults = defaults(type);
    List<Layer> layers = new ArrayList<>();
    layers.add(new Layer(defaults.deepCopy(), DEFAULT, new HashMap<>()));
    if (file != null) {
      layers.add(new Layer(ConfigFiles.read(file, schema, problems), "file " + file, Map.of()));
    }
    layers.add(Environment.read(environment, schema, warnings));
    Map<String, String> flagNames = new LinkedHashMap<>();
    layers.add(flagLayer(flags, schema, flagNames));

    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    Map<String, String> sources = new HashMap<>();
    for (Layer layer : layers) {
      merge(tree, layer.tree(), layer, "", sources);
    }
    List<String> secrets = new ArrayList<>();
    secretValues(tree, "", secrets);

    Binder binder = new Binder(schema, defaults, flagNames);
    T value = binder.bind(type, tree);
    for (Binder.Problem problem : binder.problems()) {
      problems.add(scrub(render(problem, sources), secrets));
    }
    if (!problems.isEmpty() || value == null) {
      throw invalid(problems, warnings);
    }
    ObjectNode effective = Mappers.BIND.valueToTree(value);
    List<String> origins = new ArrayList<>();
    origins(Secrets.masked(effective), "", sources, origins);
    return new EffectiveConfig<>(value, yaml(Secrets.masked(effective)), origins, warnings);
  }

  /**
   * Every problem, then the warnings: a misspelt variable is often why a required key is missing.
   */
  private static UsageException invalid(List<String> problems, List<String> warnings) {
    StringBuilder message =
        new StringBuilder(UsageException.of("invalid configuration", problems).getMessage());
    for (String warning : warnings) {
      message.append("\nwarning: ").append(warning);
    }
    return new UsageException(message.toString());
  }

  private static ObjectNode defaults(Class<?> type) {
    Method factory;
    try {
      factory = type.getMethod("defaults");
    } catch (NoSuchMethodException e) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!Modifier.isStatic(factory.getModifiers()) || factory.getReturnType() != type) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      factory.trySetAccessible();
      return Mappers.BIND.valueToTree(factory.invoke(null));
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalArgumentException(type.getName() + ".defaults() failed", e);
    }
  }

  private static Layer flagLayer(FlagOverrides flags, Schema schema, Map<String, String> names) {
    Layer layer = Layer.of("flag");
    for (Flag flag : flags.flags()) {
      List<String> path = List.of(DOT.split(flag.key(), -1));
      if (schema.find(path) == null) {
        throw new IllegalArgumentException(
            flag.flag() + " maps onto " + flag.key() + ", which is not a configuration key");
      }
      names.put(flag.key(), flag.flag());
      if (flag.value() == null || (flag.value() instanceof Map<?, ?> m && m.isEmpty())) {
        continue;
      }
      layer.set(path, Mappers.BIND.valueToTree(flag.value()), "flag " + flag.flag());
    }
    return layer;
  }

  /** Merges {@code layer} into {@code tree}: sections and maps key by key, values replaced. */
  private static void merge(
      ObjectNode into, ObjectNode from, Layer layer, String prefix, Map<String, String> sources) {
    for (Map.Entry<String, JsonNode> field : from.properties()) {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isNull() || value.isMissingNode()) {
        continue;
      }
      JsonNode existing = into.get(field.getKey());
      if (value instanceof ObjectNode object && existing instanceof ObjectNode target) {
        merge(target, object, layer, path, sources);
      } else {
        into.set(field.getKey(), value.deepCopy());
        sources.keySet().removeIf(k -> k.startsWith(path + "."));
        label(value, path, layer, sources);
      }
    }
  }

  private static void label(JsonNode value, String path, Layer layer, Map<String, String> sources) {
    if (value instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        label(field.getValue(), path + "." + field.getKey(), layer, sources);
      }
    } else if (!value.isNull()) {
      sources.put(path, layer.labelOf(path));
    }
  }

  private static void secretValues(JsonNode node, String path, List<String> secrets) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        if (Secrets.isSecret(childPath) && field.getValue().isValueNode()) {
          String text = field.getValue().asText();
          if (text.length() >= 4) {
            secrets.add(text);
          }
        } else {
          secretValues(field.getValue(), childPath, secrets);
        }
      }
    }
  }

  /** The problem with where its value came from, unless that is the default. */
  private static String render(Binder.Problem problem, Map<String, String> sources) {
    String message = problem.line();
    String source = problem.path() == null ? null : sourceOf(problem.path(), sources);
    return source == null || source.equals(DEFAULT) ? message : message + " (from " + source + ")";
  }

  private static String sourceOf(String path, Map<String, String> sources) {
    String exact = sources.get(path);
    if (exact != null) {
      return exact;
    }
    String below = null;
    for (Map.Entry<String, String> source : sources.entrySet()) {
      if (source.getKey().startsWith(path + ".") && !source.getValue().equals(DEFAULT)) {
        below = source.getValue();
      }
    }
    return below;
  }

  /** A secret's value never appears in a message, even when a record's check quotes it. */
  private static String scrub(String line, List<String> secrets) {
    String scrubbed = line;
    for (String secret : secrets) {
      scrubbed = scrubbed.replace(secret, Secrets.MASK);
    }
    return scrubbed;
  }

  private static void origins(
      JsonNode node, String path, Map<String, String> sources, List<String> lines) {
    if (node instanceof ObjectNode object && (object.size() > 0 || path.isEmpty())) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        origins(field.getValue(), childPath, sources, lines);
      }
      return;
    }
    String shown = node.isValueNode() ? node.asText() : node.toString();
    lines.add(path + " = " + shown + "  (" + sources.getOrDefault(path, DEFAULT) + ")");
  }

  private static String yaml(ObjectNode tree) {
    try {
      return Mappers.YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
