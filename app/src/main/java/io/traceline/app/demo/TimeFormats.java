package io.traceline.app.demo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The timestamp renderings of the four log sources, all UTC. */
final class TimeFormats {

  /** API Gateway {@code $context.requestTime} (CLF): {@code 14/Nov/2025:09:12:29 +0000}. */
  private static final DateTimeFormatter CLF =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss xx", Locale.US).withZone(ZoneOffset.UTC);

  /** Powertools for AWS Lambda (Python): {@code 2025-11-14 09:12:35,121+0000}. */
  private static final DateTimeFormatter POWERTOOLS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSSxx", Locale.US).withZone(ZoneOffset.UTC);

  /** ISO-8601 with milliseconds, as a Node.js app logs {@code new Date().toISOString()}. */
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.US)
          .withZone(ZoneOffset.UTC);

  /** PostgreSQL {@code %t} of the RDS {@code log_line_prefix}: {@code 2025-11-14 09:12:35 UTC}. */
  private static final DateTimeFormatter POSTGRES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.US).withZone(ZoneOffset.UTC);

  /** The date prefix of Lambda log streams: {@code 2025/11/14}. */
  private static final DateTimeFormatter STREAM_DATE =
      DateTimeFormatter.ofPattern("yyyy/MM/dd", Locale.US).withZone(ZoneOffset.UTC);

  private TimeFormats() {}

  static String clf(long epochMs) {
    return CLF.format(Instant.ofEpochMilli(epochMs));
  }

  static String powertools(long epochMs) {
    return POWERTOOLS.format(Instant.ofEpochMilli(epochMs));
  }

  static String isoMillis(long epochMs) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(epochMs));
  }

  static String postgres(long epochMs) {
    return POSTGRES.format(Instant.ofEpochMilli(epochMs));
  }

  static String streamDate(long epochMs) {
    return STREAM_DATE.format(Instant.ofEpochMilli(epochMs));
  }

  /** A duration with two decimals, as Lambda REPORT prints it: {@code 1984.93}. */
  static String twoDecimals(double ms) {
    return String.format(Locale.ROOT, "%.2f", ms);
  }

  /** A duration with three decimals, as PostgreSQL prints it: {@code 812.345}. */
  static String threeDecimals(double ms) {
    return String.format(Locale.ROOT, "%.3f", ms);
  }
}
