package io.traceline.ingest.decode;

import java.util.List;
import java.util.Objects;

/**
 * One decoded CloudWatch Logs subscription payload: the JSON document inside one Kinesis record
 * (gzip). All events of one message share a log group and log stream.
 *
 * @param messageType {@code DATA_MESSAGE} or {@code CONTROL_MESSAGE}
 * @param owner account id of the source log group ({@code CloudwatchLogs} on control messages)
 * @param logGroup the log group ({@code ""} on control messages)
 * @param logStream the log stream ({@code ""} on control messages)
 * @param subscriptionFilters names of the filters that matched
 * @param logEvents the events, in timestamp order
 */
public record SubscriptionMessage(
    String messageType,
    String owner,
    String logGroup,
    String logStream,
    List<String> subscriptionFilters,
    List<CloudWatchEvent> logEvents) {

  /** The message type of data payloads. */
  public static final String DATA_MESSAGE = "DATA_MESSAGE";

  /** The message type of the health checks CloudWatch sends on the same stream. */
  public static final String CONTROL_MESSAGE = "CONTROL_MESSAGE";

  public SubscriptionMessage {
    Objects.requireNonNull(messageType, "messageType");
    logGroup = logGroup == null ? "" : logGroup;
    logStream = logStream == null ? "" : logStream;
    subscriptionFilters =
        subscriptionFilters == null ? List.of() : List.copyOf(subscriptionFilters);
    logEvents = logEvents == null ? List.of() : List.copyOf(logEvents);
  }

  /** Whether this is a control message (counted and skipped, never parsed). */
  public boolean isControl() {
    return CONTROL_MESSAGE.equals(messageType);
  }

  /**
   * One {@code logEvents[]} entry.
   *
   * @param id 56-digit decimal string, larger than 64 bits: kept as a string
   * @param timestamp event time, epoch ms
   * @param message the raw message, including any trailing newline
   */
  public record CloudWatchEvent(String id, long timestamp, String message) {
    public CloudWatchEvent {
      id = id == null ? "" : id;
      message = message == null ? "" : message;
    }
  }
}
