package io.traceline.app.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Reads a stage's counters back for a benchmark's check: the stages count what they do in a
 * Micrometer registry, and the benchmarks compare those counts with their input. Stateless.
 */
final class BenchMeters {

  private BenchMeters() {}

  /** The sum of every counter named {@code name}, whatever its tags; 0 when there is none. */
  static long sum(MeterRegistry registry, String name) {
    return total(registry.find(name).counters());
  }

  /** The sum of the counters named {@code name} tagged {@code outcome}; 0 when there is none. */
  static long sum(MeterRegistry registry, String name, String outcome) {
    return total(registry.find(name).tag("outcome", outcome).counters());
  }

  private static long total(Iterable<Counter> counters) {
    double total = 0;
    for (Counter c : counters) {
      total += c.count();
    }
    return (long) total;
  }
}
