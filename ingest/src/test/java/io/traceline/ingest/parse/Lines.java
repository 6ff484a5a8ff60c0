package io.traceline.ingest.parse;

import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.LogEvent;

/** Parses single lines for the table tests. */
final class Lines {

  static final long TIMESTAMP = 1763111555119L;
  static final long INGESTED_AT = 1763111560000L;

  private static final LineParser PARSER = new LineParser();

  private Lines() {}

  static LogEvent parse(String logGroup, String message) {
    return parse(logGroup, message, TIMESTAMP);
  }

  /** Parses a line CloudWatch received at {@code cloudWatchTimestamp}. */
  static LogEvent parse(String logGroup, String message, long cloudWatchTimestamp) {
    return PARSER.parse(
        logGroup,
        "stream-1",
        new CloudWatchEvent(
            "39318701547293899362948640572619362622004985480072396801",
            cloudWatchTimestamp,
            message),
        INGESTED_AT);
  }
}
