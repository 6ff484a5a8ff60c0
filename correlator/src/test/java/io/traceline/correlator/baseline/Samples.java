package io.traceline.correlator.baseline;

import io.traceline.model.Timeline.Hop;
import java.util.TreeMap;

/** Trace samples for the baseline tests: one route, {@code api -> currency -> db}. */
final class Samples {

  static final Hop ROUTE = new Hop("frontend", "GET /product");
  static final Hop FRONTEND = ROUTE;
  static final Hop CURRENCY = new Hop("currencyservice", "Convert");
  static final Hop DB = new Hop("db", null);

  private Samples() {}

  /** A complete first emission starting at {@code start} with these hop self times. */
  static TraceSample sample(long start, long frontendMs, long currencyMs, Long dbMs) {
    TreeMap<Hop, Long> hops = new TreeMap<>(HopCodec.ORDER);
    hops.put(FRONTEND, frontendMs);
    hops.put(CURRENCY, currencyMs);
    if (dbMs != null) {
      hops.put(DB, dbMs);
    }
    long duration = frontendMs + currencyMs + (dbMs == null ? 0 : dbMs);
    return new TraceSample(ROUTE, start, duration, hops, true, true);
  }

  /** Stats that learned {@code n} requests with constant hop self times (10, 5, 3 ms). */
  static RouteStats learned(int n) {
    RouteStats stats = RouteStats.empty();
    for (int i = 0; i < n; i++) {
      stats.add(sample(i, 10, 5, 3L), 64);
    }
    return stats;
  }
}
