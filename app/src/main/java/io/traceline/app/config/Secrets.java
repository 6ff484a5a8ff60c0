package io.traceline.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which keys hold secrets, and their masking. A key is secret when one of its words (split at dots,
 * dashes, underscores and camelCase) is {@code password}, {@code passwd}, {@code secret}, {@code
 * credential} or {@code credentials}; or its last word is {@code token}; or it contains {@code
 * jaas.config} (SASL/SCRAM and MSK IAM logins), {@code keystore.key} (a PEM private key), {@code
 * user.info}, or the words {@code api key}, {@code access key} or {@code private key}. The rule
 * errs on the safe side: a harmless key that looks secret is masked too. Stateless.
 */
final class Secrets {

  /** What a secret is printed as. */
  static final String MASK = "******";

  private static final Set<String> SECRET_WORDS =
      Set.of("password", "passwd", "secret", "credential", "credentials");
  private static final List<String> SECRET_PARTS =
      List.of("jaas.config", "keystore.key", "user.info");
  private static final Set<String> SECRET_PAIRS = Set.of("api key", "access key", "private key");

  private Secrets() {}

  /** Whether the key at this dotted path holds a secret. */
  static boolean isSecret(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    for (String part : SECRET_PARTS) {
      if (lower.contains(part)) {
        return true;
      }
    }
    List<String> words = words(path);
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (SECRET_WORDS.contains(word)) {
        return true;
      }
      if (i + 1 < words.size() && SECRET_PAIRS.contains(word + " " + words.get(i + 1))) {
        return true;
      }
    }
    return !words.isEmpty() && words.get(words.size() - 1).equals("token");
  }

  /** A copy of {@code tree} with every secret value replaced by {@link #MASK}. */
  static ObjectNode masked(ObjectNode tree) {
    ObjectNode copy = tree.deepCopy();
    mask(copy, "");
    return copy;
  }

  private static void mask(ObjectNode node, String prefix) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isNull() || value.isMissingNode()) {
        continue;
      }
      if (isSecret(path)) {
        field.setValue(TextNode.valueOf(MASK));
      } else if (value instanceof ObjectNode object) {
        mask(object, path);
      }
    }
  }

  /** Lower-case words: {@code ssl.keyPassword} is {@code ssl}, {@code key}, {@code password}. */
  static List<String> words(String path) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      boolean boundary =
          Character.isUpperCase(c) && i > 0 && Character.isLowerCase(path.charAt(i - 1));
      if (!Character.isLetterOrDigit(c) || boundary) {
        if (word.length() > 0) {
          words.add(word.toString().toLowerCase(Locale.ROOT));
          word.setLength(0);
        }
      }
      if (Character.isLetterOrDigit(c)) {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString().toLowerCase(Locale.ROOT));
    }
    return words;
  }
}
