package io.traceline.app.config;

import com.fasterxml.jackson.databind.node.TextNode;
import io.traceline.app.config.Schema.EnvKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The environment as a configuration layer (12-factor). The variable of a key is {@code TRACELINE_}
 * followed by its dotted path in upper snake case: {@code kafka.bootstrapServers} is {@code
 * TRACELINE_KAFKA_BOOTSTRAP_SERVERS}. An entry of a pass-through map is the map's variable, {@code
 * _}, and the entry's key in upper case with dots as underscores: {@code
 * TRACELINE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG} is the entry {@code sasl.jaas.config} of {@code
 * kafka.properties}; so only keys of lower-case letters, digits and dots can be set this way.
 *
 * <p>An empty variable counts as unset. A {@code TRACELINE_<SECTION>_...} variable that names no
 * key is a warning, not a problem (it may belong to another stage); other variables are ignored.
 * Stateless.
 */
final class Environment {

  private static final Pattern MAP_KEY = Pattern.compile("[A-Z0-9]+(_[A-Z0-9]+)*");

  private Environment() {}

  /** The layer of {@code env}; warnings about variables that name no key go to {@code warnings}. */
  static Layer read(Map<String, String> env, Schema schema, List<String> warnings) {
    Layer layer = Layer.of("env");
    Map<String, EnvKey> keys = schema.envKeys();
    for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
      String name = variable.getKey();
      String value = variable.getValue();
      if (!name.startsWith(Schema.ENV_PREFIX) || value == null || value.isEmpty()) {
        continue;
      }
      EnvKey key = keys.get(name);
      if (key != null && !key.map()) {
        layer.set(key.path(), TextNode.valueOf(value), "env " + name);
        continue;
      }
      EnvKey map = mapOf(name, keys);
      if (map != null) {
        String rest = name.substring(Schema.envName(map.path()).length() + 1);
        if (MAP_KEY.matcher(rest).matches()) {
          String entry = rest.toLowerCase(Locale.ROOT).replace('_', '.');
          layer.set(Schema.append(map.path(), entry), TextNode.valueOf(value), "env " + name);
          continue;
        }
      }
      for (String prefix : schema.sectionPrefixes()) {
        if (name.startsWith(prefix)) {
          warnings.add(name + " sets no configuration key" + hint(name, prefix, keys));
          break;
        }
      }
    }
    return layer;
  }

  private static EnvKey mapOf(String name, Map<String, EnvKey> keys) {
    for (Map.Entry<String, EnvKey> key : keys.entrySet()) {
      if (key.getValue().map()
          && name.startsWith(key.getKey())
          && name.length() > key.getKey().length()) {
        return key.getValue();
      }
    }
    return null;
  }

  private static String hint(String name, String prefix, Map<String, EnvKey> keys) {
    List<String> sameSection = new ArrayList<>();
    for (String known : keys.keySet()) {
      if (known.startsWith(prefix)) {
        sameSection.add(known.substring(prefix.length()));
      }
    }
    String nearest = Suggestions.nearest(name.substring(prefix.length()), sameSection);
    return nearest == null ? "" : " (did you mean " + prefix + nearest + "?)";
  }
}
