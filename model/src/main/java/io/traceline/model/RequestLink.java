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
 * canonical trace id with its format, a log group and stream, times within years 0-9999, and an
 * init duration within [0, 15 min].
 *
 * @param requestId the request id shared by the lines of the request
 * @param traceId the request's canonical trace id (32 lowercase hex)
 * @param traceIdFormat the form the trace id was found in
 * @param logGroup the log group of the lines
 * @param logStream the log stream of the lines
 * @param startTime event time of the request's Lambda {@code START} line when ingest saw it, epoch
 *     ms, else null; with {@code initDurationMs}, lets the correlator give a request-less {@code
 *     INIT} line to the START that ended its init phase
 * @param initDurationMs the {@code Init Duration} of the request's {@code REPORT} when ingest saw
 *     it, else null: the request was the first of its execution environment (a cold start), and its
 *     init phase ran in this log stream just before its START (see {@link #isDuringInit})
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
    Double initDurationMs,
    long timestamp,
    long ingestedAt) {

  /**
   * How much earlier than its START minus its {@code Init Duration} an init line may be and still
   * belong to that init phase. Lambda writes {@code INIT_START} when the phase begins and {@code
   * START} as soon as it ends, so the two are about {@code Init Duration} apart (0.8 ms more in the
   * reference sample). The margin is small next to the time an environment needs to run an
   * invocation and then a second init phase (after a crash or a timeout), so that a line of the
   * earlier phase does not fit the later one.
   */
  public static final long INIT_PHASE_SLACK_MS = 250;

  /** The longest {@code Init Duration} a link may carry: Lambda's longest run, 15 minutes. */
  public static final double MAX_INIT_DURATION_MS = 900_000;

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
    if (initDurationMs != null
        && !(initDurationMs >= 0 && initDurationMs <= MAX_INIT_DURATION_MS)) {
      throw new IllegalArgumentException("initDurationMs outside [0, 15 min]: " + initDurationMs);
    }
  }

  /**
   * Whether a request-less init line written at {@code lineTime} in a Lambda log stream belongs to
   * the init phase that ended with the request's START at {@code startTime}, the request's {@code
   * Init Duration} being {@code initDurationMs}: the line lies in {@code [startTime -
   * initDurationMs - INIT_PHASE_SLACK_MS, startTime]}. Both ingest and the correlator ask this
   * before joining an init line to a START of another message: that the START is the first one they
   * saw after the line proves nothing, since messages of a stream may arrive out of order or on
   * other shards.
   */
  public static boolean isDuringInit(long lineTime, long startTime, double initDurationMs) {
    return lineTime <= startTime
        && lineTime >= startTime - (long) Math.ceil(initDurationMs) - INIT_PHASE_SLACK_MS;
  }

  /** This link with what {@code other}, a link of the same request, adds (START, init phase). */
  public RequestLink mergedWith(RequestLink other) {
    Long start = startTime != null ? startTime : other.startTime;
    Double init = initDurationMs != null ? initDurationMs : other.initDurationMs;
    if (Objects.equals(start, startTime) && Objects.equals(init, initDurationMs)) {
      return this;
    }
    return new RequestLink(
        requestId, traceId, traceIdFormat, logGroup, logStream, start, init, timestamp, ingestedAt);
  }

  /** This link with the request's {@code Init Duration}, learned from its REPORT. */
  public RequestLink withInitDurationMs(double value) {
    return new RequestLink(
        requestId,
        traceId,
        traceIdFormat,
        logGroup,
        logStream,
        startTime,
        value,
        timestamp,
        ingestedAt);
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
