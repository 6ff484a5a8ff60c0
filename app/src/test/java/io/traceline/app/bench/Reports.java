package io.traceline.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the figures out of a benchmark's printed report. Stateless. */
final class Reports {

  private Reports() {}

  /** A number as the reports print it ({@code 1,234}). */
  static long number(String digits) {
    return Long.parseLong(digits.replace(",", ""));
  }

  /** Group {@code group} of every match of {@code pattern} in {@code text}, as numbers. */
  static List<Long> all(Pattern pattern, int group, String text) {
    List<Long> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(number(m.group(group)));
    }
    return found;
  }
}
