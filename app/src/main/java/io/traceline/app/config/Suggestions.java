package io.traceline.app.config;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean": the known name nearest to a misspelt one. A known name is near when it is the
 * same word in another case or spelling ({@code bootstrap_servers}, {@code BootstrapServers}), ends
 * with the misspelt name ({@code gap} for {@code inactivityGap}), or is at most a third of its
 * length (and at least two) edits away. Stateless.
 */
final class Suggestions {

  private Suggestions() {}

  /** The nearest known name, or null when none is near. */
  static String nearest(String name, Collection<String> known) {
    String wanted = fold(name);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      String folded = fold(candidate);
      int distance;
      if (folded.equals(wanted)) {
        distance = 0;
      } else if (wanted.length() >= 3 && folded.endsWith(wanted)) {
        distance = 1;
      } else {
        distance = distance(wanted, folded);
        if (distance > Math.max(2, wanted.length() / 3)) {
          continue;
        }
      }
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Lower case without separators, so that spellings of one name compare equal. */
  private static String fold(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        b.append(c);
      }
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
