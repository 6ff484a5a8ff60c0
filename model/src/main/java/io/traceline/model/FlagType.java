package io.traceline.model;

/** What a {@link Timeline.Flag} says about a request. */
public enum FlagType {
  /** The request took longer than its route's static threshold (the SLA). */
  SLO_BREACH,
  /** The request was slower than its route's learned baseline. */
  LATENCY_OUTLIER,
  /** One hop was slower than its own learned baseline; names the hop. */
  SEGMENT_OUTLIER,
  /** A Lambda invocation paid an init phase. */
  COLD_START,
  /** Something timed out: a Lambda, an upstream call, a connection. */
  TIMEOUT,
  /** A service reported an error. */
  ERROR,
  /** A request was throttled (HTTP 429, TooManyRequestsException). */
  THROTTLED,
  /** A connection pool or the database ran out of connections. */
  POOL_EXHAUSTION,
  /** A database statement was logged as slow. */
  SLOW_QUERY,
  /** A hop this route usually has is absent. */
  MISSING_HOP,
  /** The timeline was closed while incomplete (timed out or truncated). */
  INCOMPLETE
}
