package io.traceline.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * What ingest learned about one request in one subscription message: the request id (a Lambda
 * RequestId, or an application's own request id) belongs to this trace in this log stream. The
 * value of {@link Topics#REQUEST_LINKS}, keyed like {@link Topics#UNKEYED} by {@link #streamKey()},
 * so that the correlator can give the trace to unkeyed events of the same log stream whose own
 * message did not name it (they may have been read from another Kinesis shard by another ingest
 * instance).
 *
 * <p>Immutable and thread-safe. The compact constructor validates: a non-blank request id, a
 * canonical trace id with its format, a log group and stream, and times within years 0-9999.
 *
 * @param requestId the request id shared by the lines of the request
 * @param traceId the request's canonical trace id (32 lowercase hex)
 * @param traceIdFormat the form the trace id was found in
 * @param logGroup the log group of the lines
 * @param logStream the log stream of the lines
 * @param startTime event time of the request's Lambda {@code START} line when ingest saw it, epoch
 *     ms, else null; lets the correlator give a request-less {@code INIT} line to the first START
 *     after it
 * @param timestamp event time of the request's latest line in the message, epoch ms; moves the
 *     correlator's clock like an event's timestamp
 * @param ingestedAt when ingest read the message, epoch ms
 */
public record RequestLink(
    String requestId,
    String traceId,
    TraceIdFormat traceIdFormat,
    String logGroup,
    String logStream,
    Long startTime,
    long timestamp,
    long ingestedAt) {

  public RequestLink {
    Objects.requireNonNull(requestId, "requestId");
    if (requestId.isBlank()) {
      throw new IllegalArgumentException("requestId must not be blank");
    }
    Objects.requireNonNull(traceId, "traceId");
    if (!TraceIds.isCanonical(traceId)) {
      throw new IllegalArgumentException("traceId must be 32 lowercase hex: " + traceId);
    }
    Objects.requireNonNull(traceIdFormat, "traceIdFormat");
    Objects.requireNonNull(logGroup, "logGroup");
    Objects.requireNonNull(logStream, "logStream");
    requireTime("timestamp", timestamp);
    if (startTime != null) {
      requireTime("startTime", startTime);
    }
  }

  private static void requireTime(String name, long value) {
    if (value < 0 || value > LogEvent.MAX_TIMESTAMP) {
      throw new IllegalArgumentException(name + " outside [0, year 9999]: " + value);
    }
  }

  /**
   * The record key of {@link Topics#UNKEYED} and {@link Topics#REQUEST_LINKS}: {@code
   * logGroup|logStream}. Derived, so not part of the JSON contract.
   */
  @JsonIgnore
  public String streamKey() {
    return streamKey(logGroup, logStream);
  }

  /** The record key of a log stream's unkeyed events and request links. */
  public static String streamKey(String logGroup, String logStream) {
    return logGroup + "|" + logStream;
  }
}
