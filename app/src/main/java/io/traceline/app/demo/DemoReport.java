package io.traceline.app.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.model.FlagType;
import io.traceline.model.Timeline;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the demo saw, checked against what the workload injected: for each injected fault, how many
 * of those requests' timelines carry the flag that names it. Keeps a few bytes per trace. Not
 * thread-safe.
 */
final class DemoReport {

  /** The little the report keeps of a timeline. */
  private record Seen(Set<FlagType> flags, String bottleneck) {}

  private final MeterRegistry registry;
  private final Map<String, Seen> seen = new HashMap<>();
  private int charted;
  private int revisions;

  DemoReport(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Keeps the latest revision of each trace (revisions of a trace arrive in order). */
  void add(Timeline t, boolean wasCharted) {
    Set<FlagType> flags = EnumSet.noneOf(FlagType.class);
    t.flags().forEach(f -> flags.add(f.type()));
    seen.put(
        t.traceId(), new Seen(flags, t.bottleneck() == null ? null : t.bottleneck().service()));
    if (t.revision() > 1) {
      revisions++;
    }
    if (wasCharted) {
      charted++;
    }
  }

  /** Distinct traces whose timeline was received. */
  long timelines() {
    return seen.size();
  }

  String summary(ShopWorkload workload, long failedSends, long elapsedMs) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "== %d requests generated, %d traces received (%d later revised, %d charts) in %d s%n",
            workload.requestCount(),
            seen.size(),
            revisions,
            charted,
            elapsedMs / 1000));
    s.append(
        String.format(
            Locale.ROOT,
            "   ingest: %.0f records (%.0f control messages, %.0f failed), events %.0f keyed /"
                + " %.0f unkeyed, %d failed sends%n",
            count("traceline.ingest.records", null, null),
            count("traceline.ingest.records", "outcome", "control"),
            count("traceline.ingest.records", "outcome", "failed"),
            count("traceline.ingest.events", "routing", "keyed"),
            count("traceline.ingest.events", "routing", "unkeyed"),
            failedSends));
    s.append("   injected -> found:\n");
    found(
        s,
        workload,
        "cold starts",
        ShopWorkload.RequestTruth::coldStart,
        FlagType.COLD_START,
        null);
    found(
        s,
        workload,
        "slow queries",
        ShopWorkload.RequestTruth::slowQuery,
        FlagType.SLOW_QUERY,
        "shop-db");
    found(
        s,
        workload,
        "third-party timeouts",
        ShopWorkload.RequestTruth::thirdPartyTimeout,
        FlagType.TIMEOUT,
        null);
    Map<FlagType, Integer> flagCounts = new EnumMap<>(FlagType.class);
    for (Seen timeline : seen.values()) {
      timeline.flags().forEach(f -> flagCounts.merge(f, 1, Integer::sum));
    }
    s.append("   flags:");
    flagCounts.forEach((type, n) -> s.append(' ').append(type).append('=').append(n));
    s.append('\n');
    return s.toString();
  }

  private void found(
      StringBuilder s,
      ShopWorkload workload,
      String what,
      Predicate<ShopWorkload.RequestTruth> injected,
      FlagType flag,
      String bottleneck) {
    int total = 0;
    int flagged = 0;
    int alone = 0;
    int atBottleneck = 0;
    for (ShopWorkload.RequestTruth truth : workload.generated()) {
      Seen timeline = seen.get(truth.traceId());
      if (!injected.test(truth) || timeline == null) {
        continue;
      }
      total++;
      if (timeline.flags().contains(flag)) {
        flagged++;
      }
      if (onlyFault(truth)) {
        alone++;
        if (bottleneck != null && bottleneck.equals(timeline.bottleneck())) {
          atBottleneck++;
        }
      }
    }
    s.append(
        String.format(Locale.ROOT, "     %-21s %4d -> %4d flagged %s", what, total, flagged, flag));
    if (bottleneck != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "; %s is the bottleneck in %d of the %d with no other fault",
              bottleneck,
              atBottleneck,
              alone));
    }
    s.append('\n');
  }

  private static boolean onlyFault(ShopWorkload.RequestTruth t) {
    int faults =
        (t.coldStart() ? 1 : 0) + (t.slowQuery() ? 1 : 0) + (t.thirdPartyTimeout() ? 1 : 0);
    return faults == 1;
  }

  private double count(String name, String tag, String value) {
    double total = 0;
    for (Counter c : registry.find(name).counters()) {
      if (tag == null || value.equals(c.getId().getTag(tag))) {
        total += c.count();
      }
    }
    return total;
  }
}
