package io.traceline.app.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.traceline.app.config.Schema.Node;
import io.traceline.app.config.Schema.PassThrough;
import io.traceline.app.config.Schema.Section;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a configuration file into a tree: YAML (JSON is YAML too), or {@code .properties} with
 * dotted keys. Problems (missing file, syntax) are collected, never thrown. Stateless.
 */
final class ConfigFiles {

  private static final Pattern DOT = Pattern.compile("\\.");

  private ConfigFiles() {}

  /** The file's keys, or an empty tree and a problem when it cannot be read. */
  static ObjectNode read(Path file, Schema schema, List<String> problems) {
    try {
      if (file.getFileName() != null
          && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".properties")) {
        return readProperties(file, schema, problems);
      }
      return readYaml(file, problems);
    } catch (NoSuchFileException e) {
      problems.add(file + ": no such file");
    } catch (JsonProcessingException e) {
      problems.add(file + ": not valid YAML" + where(e.getLocation()) + ": " + reason(e));
    } catch (IOException e) {
      problems.add(file + ": cannot be read: " + e.getMessage());
    }
    return JsonNodeFactory.instance.objectNode();
  }

  private static ObjectNode readYaml(Path file, List<String> problems) throws IOException {
    JsonNode tree;
    try (InputStream in = Files.newInputStream(file)) {
      tree = Mappers.YAML.readTree(in);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (tree instanceof ObjectNode object) {
      return object;
    }
    problems.add(file + ": expected keys (section: ...) at the top level");
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * Dotted keys nest as sections; inside a pass-through map the rest of the key is one entry
   * ({@code kafka.properties.security.protocol} is the entry {@code security.protocol}).
   */
  private static ObjectNode readProperties(Path file, Schema schema, List<String> problems)
      throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      put(root, schema.root(), DOT.split(key, -1), 0, key, properties.getProperty(key), problems);
    }
    return root;
  }

  private static void put(
      ObjectNode node,
      Node schema,
      String[] names,
      int i,
      String key,
      String value,
      List<String> problems) {
    if (schema instanceof PassThrough) {
      node.put(String.join(".", List.of(names).subList(i, names.length)), value);
      return;
    }
    String name = names[i];
    if (i == names.length - 1) {
      if (node.get(name) instanceof ObjectNode) {
        problems.add(key + ": is both a value and a section");
      } else {
        node.put(name, value);
      }
      return;
    }
    JsonNode child = node.get(name);
    if (child == null) {
      child = node.putObject(name);
    } else if (!(child instanceof ObjectNode)) {
      problems.add(
          key
              + ": is inside "
              + String.join(".", List.of(names).subList(0, i + 1))
              + ", which is a value");
      return;
    }
    Node childSchema = schema instanceof Section section ? section.keys().get(name) : null;
    put((ObjectNode) child, childSchema, names, i + 1, key, value, problems);
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /**
   * The parser's reason without the excerpt of the file it may quote, which could hold a secret.
   */
  private static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "syntax error";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }
}
