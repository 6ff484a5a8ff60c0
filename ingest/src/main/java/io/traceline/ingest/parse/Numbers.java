package io.traceline.ingest.parse;

import java.math.BigDecimal;

/** Exception-free number parsing for parsers: validate the shape first, then convert. */
final class Numbers {

  private Numbers() {}

  /** A plain decimal ({@code 12}, {@code -3.5}, {@code 0.000120}) or null. */
  static Double decimal(String s) {
    return isDecimal(s) ? Double.valueOf(s) : null;
  }

  /** Seconds as a decimal string to milliseconds without binary rounding noise, or null. */
  static Double secondsToMs(String s) {
    return isDecimal(s) ? new BigDecimal(s).movePointRight(3).doubleValue() : null;
  }

  static boolean isDecimal(String s) {
    if (s == null || s.isEmpty() || s.length() > 32) {
      return false;
    }
    int i = s.charAt(0) == '-' ? 1 : 0;
    boolean digits = false;
    boolean dot = false;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits = true;
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        return false;
      }
    }
    return digits;
  }
}
