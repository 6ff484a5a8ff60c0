package io.traceline.model;

import java.util.Objects;

/**
 * The calls from one service to another that started within one minute: the value of {@code
 * traceline.service-edges}, keyed by {@link #key()}. Latencies are estimates from a mergeable
 * quantile sketch (relative error about 1%); counts are exact.
 *
 * <p>Immutable and thread-safe. The aggregate of a minute is emitted once the minute has settled
 * and again, with a higher {@link #revision()}, when requests that closed later add calls to it;
 * consumers keep the highest revision per key.
 *
 * @param minute start of the minute the calls started in, epoch ms (a multiple of 60,000)
 * @param from calling service
 * @param to called service
 * @param calls calls in that minute, at least 1
 * @param errors calls that failed
 * @param p50Ms median call latency
 * @param p90Ms 90th percentile call latency
 * @param p99Ms 99th percentile call latency
 * @param maxMs slowest call
 * @param revision 1 for the first emission of this minute and edge, n+1 for each update
 */
public record ServiceEdgeStats(
    long minute,
    String from,
    String to,
    long calls,
    long errors,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double maxMs,
    int revision) {

  /** Length of an aggregation window. */
  public static final long MINUTE_MS = 60_000;

  public ServiceEdgeStats {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (minute % MINUTE_MS != 0) {
      throw new IllegalArgumentException("minute must start a minute: " + minute);
    }
    if (calls < 1 || errors < 0 || errors > calls) {
      throw new IllegalArgumentException("inconsistent counts: " + calls + " calls, " + errors);
    }
    if (revision < 1) {
      throw new IllegalArgumentException("revision starts at 1: " + revision);
    }
  }

  /** The record key: {@code from -> to @ minute}, the same for every revision. */
  public String key() {
    return keyOf(minute, from, to);
  }

  /** The record key of one edge and minute. */
  public static String keyOf(long minute, String from, String to) {
    return from + " -> " + to + " @ " + minute;
  }
}
