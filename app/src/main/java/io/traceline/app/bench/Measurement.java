package io.traceline.app.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Runs a {@link Stage} on the calling thread for a fixed wall-clock time and measures it: {@link
 * System#nanoTime()} around the loop, the deadline checked once per slice of {@link #SLICE} records
 * (the work done by the last slice past the deadline is counted with its time, so the rate stays
 * exact), the input cycled from the start when exhausted. Also records the GC pause time and the
 * bytes the thread allocated. Stateless apart from the blackhole.
 */
final class Measurement {

  /** Records processed between two deadline checks. */
  static final int SLICE = 8;

  /** Where every stage's checksum ends up, so no result is dead code. */
  @SuppressWarnings("unused")
  private static volatile long blackhole;

  private Measurement() {}

  /**
   * One timed run of a stage.
   *
   * @param events events (log lines) processed
   * @param jsonBytes decompressed JSON bytes of the records processed
   * @param nanos elapsed wall-clock time
   * @param gcMillis GC time reported by the collectors' MXBeans during the run
   * @param allocatedBytes bytes allocated by the measuring thread, or -1 when the JVM cannot say
   */
  record Iteration(long events, long jsonBytes, long nanos, long gcMillis, long allocatedBytes) {

    double seconds() {
      return nanos / 1e9;
    }

    double eventsPerSecond() {
      return events / seconds();
    }

    /** Decompressed JSON throughput, in MB/s (10^6 bytes). */
    double megabytesPerSecond() {
      return jsonBytes / 1e6 / seconds();
    }

    double gcShare() {
      return gcMillis / (nanos / 1e6);
    }

    double allocatedBytesPerEvent() {
      return allocatedBytes < 0 || events == 0 ? Double.NaN : (double) allocatedBytes / events;
    }
  }

  /**
   * Mean and spread of measured iterations' event rates.
   *
   * @param mean mean events/s
   * @param sd sample standard deviation (0 for one iteration)
   * @param min slowest iteration
   * @param max fastest iteration
   * @param meanMegabytesPerSecond mean MB/s of decompressed JSON
   */
  record Summary(double mean, double sd, double min, double max, double meanMegabytesPerSecond) {

    static Summary of(List<Iteration> iterations) {
      int n = iterations.size();
      double sum = 0;
      double mb = 0;
      double min = Double.MAX_VALUE;
      double max = 0;
      for (Iteration it : iterations) {
        double r = it.eventsPerSecond();
        sum += r;
        mb += it.megabytesPerSecond();
        min = Math.min(min, r);
        max = Math.max(max, r);
      }
      double mean = sum / n;
      double squares = 0;
      for (Iteration it : iterations) {
        double d = it.eventsPerSecond() - mean;
        squares += d * d;
      }
      double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
      return new Summary(mean, sd, min, max, mb / n);
    }
  }

  /** Runs {@code stage} over the {@code records} input records, cycling, for {@code nanos}. */
  static Iteration run(Stage stage, int records, long nanos) {
    stage.resetTally();
    long gcBefore = gcMillis();
    long allocBefore = allocatedBytes();
    long start = System.nanoTime();
    long deadline = start + nanos;
    long now;
    int next = 0;
    do {
      int to = Math.min(next + SLICE, records);
      stage.run(next, to);
      next = to == records ? 0 : to;
      now = System.nanoTime();
    } while (now - deadline < 0);
    long elapsed = now - start;
    long allocAfter = allocatedBytes();
    long gc = gcMillis() - gcBefore;
    blackhole = stage.checksum;
    return new Iteration(
        stage.events,
        stage.jsonBytes,
        elapsed,
        gc,
        allocBefore < 0 || allocAfter < 0 ? -1 : allocAfter - allocBefore);
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private static long allocatedBytes() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (threads instanceof com.sun.management.ThreadMXBean hotspot
        && hotspot.isThreadAllocatedMemorySupported()
        && hotspot.isThreadAllocatedMemoryEnabled()) {
      return hotspot.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }
}
