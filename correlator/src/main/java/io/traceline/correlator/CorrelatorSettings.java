package io.traceline.correlator;

import io.traceline.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the correlator topology. Immutable; {@link #problems()} lists every invalid value at
 * once so the app can reject a bad configuration with one message.
 *
 * <p>Times are measured on the correlator's clock: the highest event time seen on the partition,
 * advanced by wall-clock time while the partition is quiet (see {@code docs/rationale.md}).
 *
 * @param inputTopic topic of keyed events ({@link Topics#EVENTS})
 * @param outputTopic topic of timelines ({@link Topics#TIMELINES})
 * @param dlqTopic topic of rejected records ({@link Topics#DLQ})
 * @param inactivityGap a trace closes when no event arrived for this long
 * @param maxTraceAge a trace closes at this age even while events keep arriving (TIMED_OUT)
 * @param grace how long a closed trace is kept so that late events re-open it (next revision)
 * @param maxEventsPerTrace events stored per trace; further ones are only counted (TRUNCATED)
 * @param maxBytesPerTrace bytes of events stored per trace; further ones are only counted
 * @param maxTimelineEvents events carried in one emitted timeline (the segments use all stored)
 * @param closeCheckInterval how often due traces are looked for, on either clock
 * @param sloThresholdMs static per-request threshold; slower requests get SLO_BREACH
 * @param slowQueryMs database statements at least this slow get SLOW_QUERY
 */
public record CorrelatorSettings(
    String inputTopic,
    String outputTopic,
    String dlqTopic,
    Duration inactivityGap,
    Duration maxTraceAge,
    Duration grace,
    int maxEventsPerTrace,
    long maxBytesPerTrace,
    int maxTimelineEvents,
    Duration closeCheckInterval,
    long sloThresholdMs,
    long slowQueryMs) {

  /**
   * Defaults for CloudWatch delivery (5-60 s lag between log groups): a 30 s inactivity gap, a 5
   * minute cap on a trace's age, 10 minutes of grace for late events.
   */
  public static CorrelatorSettings defaults() {
    return new CorrelatorSettings(
        Topics.EVENTS,
        Topics.TIMELINES,
        Topics.DLQ,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        10_000,
        8L * 1024 * 1024,
        500,
        Duration.ofSeconds(1),
        500,
        500);
  }

  public CorrelatorSettings withInactivityGap(Duration value) {
    return new CorrelatorSettings(
        inputTopic,
        outputTopic,
        dlqTopic,
        value,
        maxTraceAge,
        grace,
        maxEventsPerTrace,
        maxBytesPerTrace,
        maxTimelineEvents,
        closeCheckInterval,
        sloThresholdMs,
        slowQueryMs);
  }

  public CorrelatorSettings withMaxTraceAge(Duration value) {
    return new CorrelatorSettings(
        inputTopic,
        outputTopic,
        dlqTopic,
        inactivityGap,
        value,
        grace,
        maxEventsPerTrace,
        maxBytesPerTrace,
        maxTimelineEvents,
        closeCheckInterval,
        sloThresholdMs,
        slowQueryMs);
  }

  public CorrelatorSettings withGrace(Duration value) {
    return new CorrelatorSettings(
        inputTopic,
        outputTopic,
        dlqTopic,
        inactivityGap,
        maxTraceAge,
        value,
        maxEventsPerTrace,
        maxBytesPerTrace,
        maxTimelineEvents,
        closeCheckInterval,
        sloThresholdMs,
        slowQueryMs);
  }

  public CorrelatorSettings withMaxEventsPerTrace(int value) {
    return new CorrelatorSettings(
        inputTopic,
        outputTopic,
        dlqTopic,
        inactivityGap,
        maxTraceAge,
        grace,
        value,
        maxBytesPerTrace,
        maxTimelineEvents,
        closeCheckInterval,
        sloThresholdMs,
        slowQueryMs);
  }

  public CorrelatorSettings withCloseCheckInterval(Duration value) {
    return new CorrelatorSettings(
        inputTopic,
        outputTopic,
        dlqTopic,
        inactivityGap,
        maxTraceAge,
        grace,
        maxEventsPerTrace,
        maxBytesPerTrace,
        maxTimelineEvents,
        value,
        sloThresholdMs,
        slowQueryMs);
  }

  public CorrelatorSettings withSloThresholdMs(long value) {
    return new CorrelatorSettings(
        inputTopic,
        outputTopic,
        dlqTopic,
        inactivityGap,
        maxTraceAge,
        grace,
        maxEventsPerTrace,
        maxBytesPerTrace,
        maxTimelineEvents,
        closeCheckInterval,
        value,
        slowQueryMs);
  }

  /** Every invalid value, one line each; empty when the settings are usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    requireTopic(problems, "inputTopic", inputTopic);
    requireTopic(problems, "outputTopic", outputTopic);
    requireTopic(problems, "dlqTopic", dlqTopic);
    requirePositive(problems, "inactivityGap", inactivityGap);
    requirePositive(problems, "maxTraceAge", maxTraceAge);
    requirePositive(problems, "closeCheckInterval", closeCheckInterval);
    if (grace == null || grace.isNegative()) {
      problems.add("grace must be zero or positive, was " + grace);
    }
    if (inactivityGap != null && maxTraceAge != null && maxTraceAge.compareTo(inactivityGap) < 0) {
      problems.add("maxTraceAge (" + maxTraceAge + ") must not be below inactivityGap");
    }
    if (maxEventsPerTrace < 1) {
      problems.add("maxEventsPerTrace must be at least 1, was " + maxEventsPerTrace);
    }
    if (maxBytesPerTrace < 1024) {
      problems.add("maxBytesPerTrace must be at least 1024, was " + maxBytesPerTrace);
    }
    if (maxTimelineEvents < 1) {
      problems.add("maxTimelineEvents must be at least 1, was " + maxTimelineEvents);
    }
    if (sloThresholdMs < 1) {
      problems.add("sloThresholdMs must be at least 1, was " + sloThresholdMs);
    }
    if (slowQueryMs < 1) {
      problems.add("slowQueryMs must be at least 1, was " + slowQueryMs);
    }
    return problems;
  }

  private static void requireTopic(List<String> problems, String name, String value) {
    if (value == null || value.isBlank()) {
      problems.add(name + " must name a topic");
    }
  }

  private static void requirePositive(List<String> problems, String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      problems.add(name + " must be positive, was " + value);
    }
  }
}
