package io.traceline.model;

/**
 * What kind of line a {@link LogEvent} was parsed from. The kind decides how the event's {@code
 * timestamp} and {@code durationMs} map onto a time interval: an access log is written when the
 * request arrives and carries its latency, a Lambda REPORT is written when the invocation ends.
 */
public enum EventKind {
  /** An application log line. A point in time. */
  APP(Anchor.POINT),
  /** An access log (API Gateway): timestamp = arrival, duration = latency. */
  ACCESS_LOG(Anchor.START),
  /** Lambda {@code INIT_START}: the execution environment starts (cold start). */
  LAMBDA_INIT(Anchor.POINT),
  /** Lambda {@code START RequestId}. */
  LAMBDA_START(Anchor.POINT),
  /** Lambda {@code END RequestId}. */
  LAMBDA_END(Anchor.POINT),
  /** Lambda {@code REPORT}: written at the end of the invocation, carries its duration. */
  LAMBDA_REPORT(Anchor.END),
  /** A database statement logged with its duration when it finished (RDS slow query logs). */
  DB_SLOW_QUERY(Anchor.END),
  /** A span record (OpenTelemetry or Zipkin style): timestamp = span start. */
  SPAN(Anchor.START);

  /** Where {@link LogEvent#timestamp()} sits in the interval the event covers. */
  public enum Anchor {
    /** The event is an instant; its duration, if any, is informational. */
    POINT,
    /** The timestamp is the start; the interval is {@code [timestamp, timestamp + duration]}. */
    START,
    /** The timestamp is the end; the interval is {@code [timestamp - duration, timestamp]}. */
    END
  }

  private final Anchor anchor;

  EventKind(Anchor anchor) {
    this.anchor = anchor;
  }

  /** Where the timestamp of an event of this kind sits in the interval it covers. */
  public Anchor anchor() {
    return anchor;
  }
}
