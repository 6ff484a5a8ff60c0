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

  /**
   * A plain integer ({@code 1661261297642649069}, {@code -12}) that fits in a {@code long}, or null
   * (also for fractions, exponents, signs other than a leading {@code -}, and overflow).
   */
  static Long exactLong(String s) {
    if (s == null || s.isEmpty() || s.length() > 20) {
      return null;
    }
    boolean negative = s.charAt(0) == '-';
    int i = negative ? 1 : 0;
    if (i == s.length()) {
      return null;
    }
    long value = 0;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      int digit = c - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        return null; // Long.MIN_VALUE is out too: no span time is that far off
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
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
