package io.traceline.app.bench;

import io.traceline.model.LogEvent;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Many concurrent traces of a {@link TraceWorkload} on a simulated clock, in the order ingest would
 * publish their events: requests start at {@code tracesPerSecond} (exponential gaps between
 * starts), and each event comes out at its arrival time ({@code ingestedAt}: its time plus its log
 * group's delivery lag), so the events of overlapping traces are interleaved as in production. New
 * traces stop starting once {@code eventLimit} events were generated; the traces already started
 * are completed. Deterministic for a seed. Not thread-safe.
 */
final class TraceSchedule {

  private record Pending(long arrival, long order, LogEvent event) {}

  private static final Comparator<Pending> ARRIVAL =
      Comparator.comparingLong(Pending::arrival).thenComparingLong(Pending::order);

  private final TraceWorkload workload;
  private final SplittableRandom arrivals;
  private final double meanGapMs;
  private final int minEvents;
  private final int maxEvents;
  private final long maxLagMs;
  private final long eventLimit;
  private final PriorityQueue<Pending> pending = new PriorityQueue<>(ARRIVAL);
  private double nextStart;
  private long order;
  private long traces;
  private long generated;

  /**
   * @param seed seed of the workload and of the arrivals
   * @param startMs simulated time of the first request
   * @param tracesPerSecond mean rate of requests, in simulated time
   * @param minEvents fewest events of a trace
   * @param maxEvents most events of a trace
   * @param maxLagMs longest delivery lag of a log group
   * @param eventLimit events after which no new trace starts
   */
  TraceSchedule(
      long seed,
      long startMs,
      double tracesPerSecond,
      int minEvents,
      int maxEvents,
      long maxLagMs,
      long eventLimit) {
    this.workload = new TraceWorkload(seed);
    this.arrivals = new SplittableRandom(seed ^ 0x5DEECE66DL);
    this.meanGapMs = 1000.0 / tracesPerSecond;
    this.minEvents = minEvents;
    this.maxEvents = maxEvents;
    this.maxLagMs = maxLagMs;
    this.eventLimit = eventLimit;
    this.nextStart = startMs;
  }

  /** The next event in arrival order, or null when every started trace has come out. */
  LogEvent next() {
    while (generated < eventLimit
        && (pending.isEmpty() || pending.peek().arrival() >= (long) nextStart)) {
      startTrace();
    }
    Pending p = pending.poll();
    return p == null ? null : p.event();
  }

  private void startTrace() {
    TraceWorkload.Trace trace =
        workload.next((long) nextStart, workload.eventCount(minEvents, maxEvents), maxLagMs);
    for (LogEvent e : trace.events()) {
      pending.add(new Pending(e.ingestedAt(), order++, e));
    }
    traces++;
    generated += trace.events().size();
    nextStart += -meanGapMs * Math.log(1 - arrivals.nextDouble());
  }

  /** Traces started so far. */
  long traces() {
    return traces;
  }
}
