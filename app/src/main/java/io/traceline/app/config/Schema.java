package io.traceline.app.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The keys of a configuration record, found by record introspection: sections (nested records),
 * pass-through maps ({@code Map<String, scalar>}) and leaves (everything else, bound by Jackson).
 * Also the environment-variable name of every key. Immutable.
 */
final class Schema {

  /** Prefix of every environment variable the configuration reads. */
  static final String ENV_PREFIX = "TRACELINE_";

  /** A place in the configuration. */
  sealed interface Node permits Section, PassThrough, Leaf {
    JavaType type();
  }

  /**
   * A record: its keys in declaration order, their accessors, the keys that must be set, and its
   * {@code problems()} method when it has one (else null).
   */
  record Section(
      JavaType type,
      Map<String, Node> keys,
      Map<String, Method> accessors,
      Set<String> required,
      Method problems)
      implements Node {}

  /** A {@code Map<String, V>} with scalar values: any key, entries merged across sources. */
  record PassThrough(JavaType type) implements Node {}

  /** A value bound by Jackson as a whole. */
  record Leaf(JavaType type) implements Node {}

  /** A key the environment can set: a leaf, or (with {@code map}) the entries of a map. */
  record EnvKey(List<String> path, boolean map) {}

  private final Section root;
  private final Map<String, EnvKey> envKeys = new LinkedHashMap<>();
  private final List<String> sectionPrefixes = new ArrayList<>();

  private Schema(Section root) {
    this.root = root;
    index(root, List.of());
    checkMapPrefixes();
  }

  /**
   * The schema of {@code type}.
   *
   * @throws IllegalArgumentException when {@code type} is not a record, or two keys would have the
   *     same environment variable
   */
  static Schema of(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    return new Schema(section(Mappers.BIND.constructType(type), new HashSet<>()));
  }

  Section root() {
    return root;
  }

  /** Environment variables that set one key, or (ending in {@code _}) the entries of a map. */
  Map<String, EnvKey> envKeys() {
    return Collections.unmodifiableMap(envKeys);
  }

  /** {@code TRACELINE_<SECTION>_} of every nested section. */
  List<String> sectionPrefixes() {
    return Collections.unmodifiableList(sectionPrefixes);
  }

  /** The node at {@code path}; a path into a pass-through map ends at the map. Null if unknown. */
  Node find(List<String> path) {
    Node node = root;
    for (String name : path) {
      if (node instanceof PassThrough) {
        return node;
      }
      if (!(node instanceof Section section)) {
        return null;
      }
      node = section.keys().get(name);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /**
   * {@code TRACELINE_} followed by the path in upper snake case: {@code kafka.bootstrapServers}.
   */
  static String envName(List<String> path) {
    StringBuilder b = new StringBuilder(ENV_PREFIX);
    for (int i = 0; i < path.size(); i++) {
      if (i > 0) {
        b.append('_');
      }
      b.append(upperSnake(path.get(i)));
    }
    return b.toString();
  }

  /**
   * {@code bootstrapServers} to {@code BOOTSTRAP_SERVERS}, {@code exactlyOnceV2} to {@code
   * EXACTLY_ONCE_V2}.
   */
  static String upperSnake(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        char prev = name.charAt(i - 1);
        if (Character.isLowerCase(prev) || Character.isDigit(prev)) {
          b.append('_');
        }
      }
      b.append(Character.isLetterOrDigit(c) ? c : '_');
    }
    return b.toString().toUpperCase(Locale.ROOT);
  }

  private void index(Section section, List<String> path) {
    if (!path.isEmpty()) {
      sectionPrefixes.add(envName(path) + "_");
    }
    for (Map.Entry<String, Node> key : section.keys().entrySet()) {
      List<String> childPath = append(path, key.getKey());
      if (key.getValue() instanceof Section child) {
        index(child, childPath);
      } else {
        boolean map = key.getValue() instanceof PassThrough;
        String name = envName(childPath) + (map ? "_" : "");
        EnvKey previous = envKeys.put(name, new EnvKey(childPath, map));
        if (previous != null) {
          throw new IllegalArgumentException(
              String.join(".", previous.path())
                  + " and "
                  + String.join(".", childPath)
                  + " would both be set by "
                  + name);
        }
      }
    }
  }

  private void checkMapPrefixes() {
    for (Map.Entry<String, EnvKey> map : envKeys.entrySet()) {
      if (!map.getValue().map()) {
        continue;
      }
      for (String name : envKeys.keySet()) {
        if (!name.equals(map.getKey()) && name.startsWith(map.getKey())) {
          throw new IllegalArgumentException(
              name
                  + " would also be read as an entry of "
                  + String.join(".", map.getValue().path()));
        }
      }
    }
  }

  static List<String> append(List<String> path, String name) {
    List<String> p = new ArrayList<>(path);
    p.add(name);
    return List.copyOf(p);
  }

  private static Section section(JavaType type, Set<Class<?>> enclosing) {
    Class<?> raw = type.getRawClass();
    if (!enclosing.add(raw)) {
      throw new IllegalArgumentException(raw.getName() + " contains itself");
    }
    Map<String, Node> keys = new LinkedHashMap<>();
    Map<String, Method> accessors = new LinkedHashMap<>();
    Set<String> required = new HashSet<>();
    for (RecordComponent component : raw.getRecordComponents()) {
      JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
      String name =
          property != null && !property.value().isEmpty() ? property.value() : component.getName();
      if (property != null && property.required()) {
        required.add(name);
      }
      JavaType componentType = Mappers.BIND.constructType(component.getGenericType());
      keys.put(name, node(componentType, enclosing));
      Method accessor = component.getAccessor();
      accessor.trySetAccessible();
      accessors.put(name, accessor);
    }
    enclosing.remove(raw);
    return new Section(
        type,
        Collections.unmodifiableMap(keys),
        Collections.unmodifiableMap(accessors),
        Set.copyOf(required),
        problems(raw));
  }

  private static Node node(JavaType type, Set<Class<?>> enclosing) {
    if (type.getRawClass().isRecord()) {
      return section(type, enclosing);
    }
    if (type.isMapLikeType()
        && type.getKeyType().getRawClass() == String.class
        && isScalar(type.getContentType().getRawClass())) {
      return new PassThrough(type);
    }
    return new Leaf(type);
  }

  static boolean isScalar(Class<?> raw) {
    return raw.isPrimitive()
        || raw.isEnum()
        || raw == String.class
        || raw == Boolean.class
        || Number.class.isAssignableFrom(raw)
        || raw == Duration.class
        || raw == Instant.class
        || raw == java.nio.file.Path.class;
  }

  private static Method problems(Class<?> raw) {
    try {
      Method m = raw.getMethod("problems");
      m.trySetAccessible();
      return !Modifier.isStatic(m.getModifiers()) && List.class.isAssignableFrom(m.getReturnType())
          ? m
          : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
