package io.traceline.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One source of configuration values (defaults, a file, the environment, flags) as a tree, with
 * where each value came from ("env TRACELINE_KAFKA_BOOTSTRAP_SERVERS"). Mutable while built.
 *
 * @param tree the values; a null value is "not set"
 * @param label where every value came from unless {@code labels} says better
 * @param labels where the value at a dotted path (and below it) came from
 */
record Layer(ObjectNode tree, String label, Map<String, String> labels) {

  static Layer of(String label) {
    return new Layer(JsonNodeFactory.instance.objectNode(), label, new HashMap<>());
  }

  /** Sets {@code value} at {@code path}, creating sections on the way. */
  void set(List<String> path, JsonNode value, String valueLabel) {
    ObjectNode node = tree;
    for (String name : path.subList(0, path.size() - 1)) {
      JsonNode child = node.get(name);
      node = child instanceof ObjectNode object ? object : node.putObject(name);
    }
    node.set(path.get(path.size() - 1), value);
    labels.put(String.join(".", path), valueLabel);
  }

  /** Where the value at {@code path} came from. */
  String labelOf(String path) {
    String p = path;
    while (true) {
      String l = labels.get(p);
      if (l != null) {
        return l;
      }
      int dot = p.lastIndexOf('.');
      if (dot < 0) {
        return label;
      }
      p = p.substring(0, dot);
    }
  }
}
