package io.traceline.correlator.internals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.model.FlagType;
import io.traceline.model.TimelineStatus;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The correlator's counters ({@code traceline.correlator.*}). Thread-safe (Micrometer meters). */
public final class CorrelatorMetrics {

  final Counter eventsNew;
  final Counter eventsDuplicate;
  final Counter eventsBeyondBounds;
  final Counter eventsReopening;
  final Counter eventsTooLate;
  final Counter eventsFromTheFuture;
  final Counter stitchPending;
  final Counter stitchUnresolvable;
  final Counter stitchAlreadyKeyed;
  final Counter stitchResolvedByRequestId;
  final Counter stitchResolvedByNextStart;
  final Counter stitchUnresolved;
  final Counter linksNew;
  final Counter linksRefreshed;
  final Counter linksConflicting;
  final Counter alerts;
  final Counter edgeCallsAggregated;
  final Counter edgeCallsLate;
  final Counter edgeAggregatesEmitted;
  private final Map<TimelineStatus, Counter> timelines = new EnumMap<>(TimelineStatus.class);
  private final Map<FlagType, Counter> flags = new EnumMap<>(FlagType.class);
  private final Map<String, Counter> baselineDropped = new ConcurrentHashMap<>();
  private final Map<String, BaselineGauges> baselineGauges = new ConcurrentHashMap<>();
  private final Map<String, TaskGauge> openTraces = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public CorrelatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    eventsNew = events("new");
    eventsDuplicate = events("duplicate");
    eventsBeyondBounds = events("beyond-bounds");
    eventsReopening = events("reopening");
    eventsTooLate = events("too-late");
    eventsFromTheFuture =
        Counter.builder("traceline.correlator.clock.future.events")
            .description("Events too far ahead of the wall clock to move the correlator's clock")
            .register(registry);
    stitchPending = stitchEvents("pending");
    stitchUnresolvable = stitchEvents("unresolvable");
    stitchAlreadyKeyed = stitchEvents("already-keyed");
    stitchResolvedByRequestId = resolved("request-id");
    stitchResolvedByNextStart = resolved("next-start");
    stitchUnresolved =
        Counter.builder("traceline.correlator.stitch.unresolved")
            .description(
                "Unkeyed events whose request link did not arrive within the stitch horizon"
                    + " (they stay in the unkeyed topic only)")
            .register(registry);
    linksNew = links("new");
    linksRefreshed = links("refreshed");
    linksConflicting = links("conflict");
    alerts =
        Counter.builder("traceline.correlator.alerts")
            .description("Flagged timelines written to the alerts topic")
            .register(registry);
    edgeCallsAggregated = edgeCalls("aggregated");
    edgeCallsLate = edgeCalls("late");
    edgeAggregatesEmitted =
        Counter.builder("traceline.correlator.edges.emitted")
            .description("Per-minute service-edge aggregates written (first and updated)")
            .register(registry);
    for (TimelineStatus status : TimelineStatus.values()) {
      timelines.put(
          status,
          Counter.builder("traceline.correlator.timelines")
              .description("Timelines emitted, by status")
              .tag("status", status.name())
              .register(registry));
    }
    for (FlagType type : FlagType.values()) {
      flags.put(
          type,
          Counter.builder("traceline.correlator.flags")
              .description(
                  "Flags on emitted timelines, by type (each revision of a timeline counts its"
                      + " flags)")
              .tag("type", type.name())
              .register(registry));
    }
    for (String reason : List.of("too-many-routes", "too-many-hops", "undecodable", "too-old")) {
      baselineDropped(reason);
    }
  }

  private Counter events(String outcome) {
    return Counter.builder("traceline.correlator.events")
        .description("Events received by the correlator, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter edgeCalls(String outcome) {
    return Counter.builder("traceline.correlator.edges.calls")
        .description(
            "Calls received by the service-edge aggregation, by outcome (late: their minute was"
                + " already dropped; they stay in their timeline)")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter stitchEvents(String outcome) {
    return Counter.builder("traceline.correlator.stitch.events")
        .description("Unkeyed events received by the request stitcher, by outcome on arrival")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter resolved(String by) {
    return Counter.builder("traceline.correlator.stitch.resolved")
        .description("Unkeyed events given a trace and written to the events topic, by rule")
        .tag("by", by)
        .register(registry);
  }

  private Counter links(String outcome) {
    return Counter.builder("traceline.correlator.stitch.links")
        .description("Request links received, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter baselineDropped(String reason) {
    return baselineDropped.computeIfAbsent(
        reason,
        r ->
            Counter.builder("traceline.correlator.baseline.dropped")
                .description(
                    "What the baselines did not learn or could not read: requests of routes beyond"
                        + " maxBaselineRoutes, hop values beyond maxBaselineHopsPerRoute, requests"
                        + " older than the kept buckets, undecodable stored entries")
                .tag("reason", r)
                .register(registry));
  }

  void baselineDropped(String reason, int n) {
    baselineDropped(reason).increment(n);
  }

  void flag(FlagType type) {
    flags.get(type).increment();
  }

  /**
   * The gauges of one task's baselines ({@code traceline.correlator.baseline.routes|hops{task}}),
   * registered on first use; the same holder again when the task is initialised again.
   */
  BaselineGauges baselineGauges(String task) {
    return baselineGauges.computeIfAbsent(task, t -> new BaselineGauges(registry, t));
  }

  /** Removes a task's baseline gauges (the task was closed: another instance may own it now). */
  void removeBaselineGauges(String task) {
    BaselineGauges gauges = baselineGauges.remove(task);
    if (gauges != null) {
      registry.remove(gauges.routesGauge);
      registry.remove(gauges.hopsGauge);
    }
  }

  /**
   * The open-trace gauge of one task ({@code traceline.correlator.open.traces{task}}), registered
   * on first use; the same value again when the task is initialised again.
   */
  AtomicLong openTraces(String task) {
    return openTraces.computeIfAbsent(
            task,
            t ->
                new TaskGauge(
                    registry,
                    "traceline.correlator.open.traces",
                    "Traces buffered in the task that are open: collecting events, not yet emitted",
                    t))
        .value;
  }

  /** Removes a task's open-trace gauge (the task was closed: another instance may own it now). */
  void removeOpenTraces(String task) {
    TaskGauge gauge = openTraces.remove(task);
    if (gauge != null) {
      registry.remove(gauge.gauge);
    }
  }

  /** Routes and hops one task's baselines hold; written by that task's thread only. */
  static final class BaselineGauges {
    final AtomicLong routes;
    final AtomicLong hops;
    private final Gauge routesGauge;
    private final Gauge hopsGauge;

    private BaselineGauges(MeterRegistry registry, String task) {
      TaskGauge routes =
          new TaskGauge(
              registry,
              "traceline.correlator.baseline.routes",
              "Routes with a learned baseline in the task (at most maxBaselineRoutes)",
              task);
      TaskGauge hops =
          new TaskGauge(
              registry,
              "traceline.correlator.baseline.hops",
              "Hops in the newest bucket of each route of the task, summed",
              task);
      this.routes = routes.value;
      this.routesGauge = routes.gauge;
      this.hops = hops.value;
      this.hopsGauge = hops.gauge;
    }
  }

  /** A gauge of one task, tagged {@code task}, and the value it reads. */
  private static final class TaskGauge {
    final AtomicLong value = new AtomicLong();
    final Gauge gauge;

    TaskGauge(MeterRegistry registry, String name, String description, String task) {
      gauge =
          Gauge.builder(name, value, AtomicLong::get)
              .description(description)
              .tag("task", task)
              .strongReference(true)
              .register(registry);
    }
  }

  void timeline(TimelineStatus status) {
    timelines.get(status).increment();
  }

  void deadLetter(String reason) {
    Counter.builder("traceline.correlator.dlq")
        .description("Records the correlator routed to the DLQ, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
