package io.traceline.app.runtime;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text scrape, read back for assertions: the sum of a metric's samples whose labels
 * include the given ones.
 */
public record PrometheusText(String text) {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE);

  /** The sum of {@code name}'s samples having every label of {@code labels}; NaN when none. */
  public double sum(String name, Map<String, String> labels) {
    double sum = 0;
    boolean found = false;
    Matcher sample = SAMPLE.matcher(text);
    while (sample.find()) {
      if (!sample.group(1).equals(name)) {
        continue;
      }
      String have = "," + (sample.group(3) == null ? "" : sample.group(3)) + ",";
      boolean matches = true;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (!have.contains("," + label.getKey() + "=\"" + label.getValue() + "\",")) {
          matches = false;
          break;
        }
      }
      if (matches) {
        found = true;
        sum += Double.parseDouble(sample.group(4));
      }
    }
    return found ? sum : Double.NaN;
  }

  /** Whether a sample of {@code name} exists. */
  public boolean has(String name) {
    return !Double.isNaN(sum(name, Map.of()));
  }
}
