package io.traceline.correlator.internals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.model.TimelineStatus;
import java.util.EnumMap;
import java.util.Map;

/** The correlator's counters ({@code traceline.correlator.*}). Thread-safe (Micrometer meters). */
public final class CorrelatorMetrics {

  final Counter eventsNew;
  final Counter eventsDuplicate;
  final Counter eventsBeyondBounds;
  final Counter eventsReopening;
  final Counter eventsTooLate;
  final Counter eventsFromTheFuture;
  private final Map<TimelineStatus, Counter> timelines = new EnumMap<>(TimelineStatus.class);
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
    for (TimelineStatus status : TimelineStatus.values()) {
      timelines.put(
          status,
          Counter.builder("traceline.correlator.timelines")
              .description("Timelines emitted, by status")
              .tag("status", status.name())
              .register(registry));
    }
  }

  private Counter events(String outcome) {
    return Counter.builder("traceline.correlator.events")
        .description("Events received by the correlator, by outcome")
        .tag("outcome", outcome)
        .register(registry);
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
