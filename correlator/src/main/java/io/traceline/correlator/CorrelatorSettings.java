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
 * @param tombstoneRetention how long a purged trace is remembered (its id and revision only), so
 *     that events arriving even later are recognised and routed to the DLQ as too late
 * @param maxClockSkew how far past its ingestion time an event may move the correlator's clock (a
 *     host clock running ahead); the inactivity gap if that is smaller
 * @param maxEventsPerTrace events stored per trace; further ones are only counted (TRUNCATED)
 * @param maxBytesPerTrace bytes of events stored per trace; further ones are only counted
 * @param maxTimelineEvents events carried in one emitted timeline (the segments use all stored)
 * @param closeCheckInterval how often due traces are looked for, on either clock
 * @param sloThresholdMs static per-request threshold; slower requests get SLO_BREACH
 * @param slowQueryMs database statements at least this slow get SLOW_QUERY
 * @param unkeyedTopic topic of events without a trace id, keyed by log stream ({@link
 *     Topics#UNKEYED})
 * @param requestLinksTopic topic of request links, keyed like {@code unkeyedTopic} and with as many
 *     partitions ({@link Topics#REQUEST_LINKS})
 * @param stitchHorizon how long an unkeyed event waits for the request link that gives it a trace
 *     (and a link is kept for events arriving after it), on the correlator's clock; an event still
 *     unresolved then is counted ({@code traceline.correlator.stitch.unresolved}) and stays only in
 *     the unkeyed topic
 * @param alertsTopic topic of flagged timelines in slim form ({@link Topics#ALERTS})
 * @param serviceEdgesTopic topic of the per-minute caller to callee aggregates ({@link
 *     Topics#SERVICE_EDGES})
 * @param edgeCallsTopic the correlator's own topic that carries each timeline's calls to the task
 *     aggregating their edge ({@link Topics#EDGE_CALLS}); any partition count
 */
public record CorrelatorSettings(
    String inputTopic,
    String outputTopic,
    String dlqTopic,
    Duration inactivityGap,
    Duration maxTraceAge,
    Duration grace,
    Duration tombstoneRetention,
    Duration maxClockSkew,
    int maxEventsPerTrace,
    long maxBytesPerTrace,
    int maxTimelineEvents,
    Duration closeCheckInterval,
    long sloThresholdMs,
    long slowQueryMs,
    String unkeyedTopic,
    String requestLinksTopic,
    Duration stitchHorizon,
    String alertsTopic,
    String serviceEdgesTopic,
    String edgeCallsTopic) {

  /**
   * Defaults for CloudWatch delivery (5-60 s lag between log groups): a 30 s inactivity gap, a 5
   * minute cap on a trace's age, 10 minutes of grace for late events, an hour of tombstones, 5
   * seconds of clock skew; unkeyed events wait 2 minutes for their request link.
   */
  public static CorrelatorSettings defaults() {
    return new CorrelatorSettings(
        Topics.EVENTS,
        Topics.TIMELINES,
        Topics.DLQ,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        Duration.ofHours(1),
        Duration.ofSeconds(5),
        10_000,
        8L * 1024 * 1024,
        500,
        Duration.ofSeconds(1),
        500,
        500,
        Topics.UNKEYED,
        Topics.REQUEST_LINKS,
        Duration.ofMinutes(2),
        Topics.ALERTS,
        Topics.SERVICE_EDGES,
        Topics.EDGE_CALLS);
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return defaults().toBuilder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.inputTopic = inputTopic;
    b.outputTopic = outputTopic;
    b.dlqTopic = dlqTopic;
    b.inactivityGap = inactivityGap;
    b.maxTraceAge = maxTraceAge;
    b.grace = grace;
    b.tombstoneRetention = tombstoneRetention;
    b.maxClockSkew = maxClockSkew;
    b.maxEventsPerTrace = maxEventsPerTrace;
    b.maxBytesPerTrace = maxBytesPerTrace;
    b.maxTimelineEvents = maxTimelineEvents;
    b.closeCheckInterval = closeCheckInterval;
    b.sloThresholdMs = sloThresholdMs;
    b.slowQueryMs = slowQueryMs;
    b.unkeyedTopic = unkeyedTopic;
    b.requestLinksTopic = requestLinksTopic;
    b.stitchHorizon = stitchHorizon;
    b.alertsTopic = alertsTopic;
    b.serviceEdgesTopic = serviceEdgesTopic;
    b.edgeCallsTopic = edgeCallsTopic;
    return b;
  }

  /**
   * Mutable builder; not thread-safe. {@link #build()} does not validate: see {@link #problems()}.
   */
  public static final class Builder {
    private String inputTopic;
    private String outputTopic;
    private String dlqTopic;
    private Duration inactivityGap;
    private Duration maxTraceAge;
    private Duration grace;
    private Duration tombstoneRetention;
    private Duration maxClockSkew;
    private int maxEventsPerTrace;
    private long maxBytesPerTrace;
    private int maxTimelineEvents;
    private Duration closeCheckInterval;
    private long sloThresholdMs;
    private long slowQueryMs;
    private String unkeyedTopic;
    private String requestLinksTopic;
    private Duration stitchHorizon;
    private String alertsTopic;
    private String serviceEdgesTopic;
    private String edgeCallsTopic;

    private Builder() {}

    public Builder inputTopic(String value) {
      this.inputTopic = value;
      return this;
    }

    public Builder outputTopic(String value) {
      this.outputTopic = value;
      return this;
    }

    public Builder dlqTopic(String value) {
      this.dlqTopic = value;
      return this;
    }

    public Builder inactivityGap(Duration value) {
      this.inactivityGap = value;
      return this;
    }

    public Builder maxTraceAge(Duration value) {
      this.maxTraceAge = value;
      return this;
    }

    public Builder grace(Duration value) {
      this.grace = value;
      return this;
    }

    public Builder tombstoneRetention(Duration value) {
      this.tombstoneRetention = value;
      return this;
    }

    public Builder maxClockSkew(Duration value) {
      this.maxClockSkew = value;
      return this;
    }

    public Builder maxEventsPerTrace(int value) {
      this.maxEventsPerTrace = value;
      return this;
    }

    public Builder maxBytesPerTrace(long value) {
      this.maxBytesPerTrace = value;
      return this;
    }

    public Builder maxTimelineEvents(int value) {
      this.maxTimelineEvents = value;
      return this;
    }

    public Builder closeCheckInterval(Duration value) {
      this.closeCheckInterval = value;
      return this;
    }

    public Builder sloThresholdMs(long value) {
      this.sloThresholdMs = value;
      return this;
    }

    public Builder slowQueryMs(long value) {
      this.slowQueryMs = value;
      return this;
    }

    public Builder unkeyedTopic(String value) {
      this.unkeyedTopic = value;
      return this;
    }

    public Builder requestLinksTopic(String value) {
      this.requestLinksTopic = value;
      return this;
    }

    public Builder stitchHorizon(Duration value) {
      this.stitchHorizon = value;
      return this;
    }

    public Builder alertsTopic(String value) {
      this.alertsTopic = value;
      return this;
    }

    public Builder serviceEdgesTopic(String value) {
      this.serviceEdgesTopic = value;
      return this;
    }

    public Builder edgeCallsTopic(String value) {
      this.edgeCallsTopic = value;
      return this;
    }

    public CorrelatorSettings build() {
      return new CorrelatorSettings(
          inputTopic,
          outputTopic,
          dlqTopic,
          inactivityGap,
          maxTraceAge,
          grace,
          tombstoneRetention,
          maxClockSkew,
          maxEventsPerTrace,
          maxBytesPerTrace,
          maxTimelineEvents,
          closeCheckInterval,
          sloThresholdMs,
          slowQueryMs,
          unkeyedTopic,
          requestLinksTopic,
          stitchHorizon,
          alertsTopic,
          serviceEdgesTopic,
          edgeCallsTopic);
    }
  }

  /** Every invalid value, one line each; empty when the settings are usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    requireTopic(problems, "inputTopic", inputTopic);
    requireTopic(problems, "outputTopic", outputTopic);
    requireTopic(problems, "dlqTopic", dlqTopic);
    requireTopic(problems, "unkeyedTopic", unkeyedTopic);
    requireTopic(problems, "requestLinksTopic", requestLinksTopic);
    requireTopic(problems, "alertsTopic", alertsTopic);
    requireTopic(problems, "serviceEdgesTopic", serviceEdgesTopic);
    requireTopic(problems, "edgeCallsTopic", edgeCallsTopic);
    if (edgeCallsTopic != null
        && List.of(String.valueOf(inputTopic), String.valueOf(unkeyedTopic))
            .contains(edgeCallsTopic)) {
      problems.add("edgeCallsTopic must be a topic of its own, was " + edgeCallsTopic);
    }
    if (unkeyedTopic != null && unkeyedTopic.equals(requestLinksTopic)) {
      problems.add("unkeyedTopic and requestLinksTopic must differ, both were " + unkeyedTopic);
    }
    if (unkeyedTopic != null && unkeyedTopic.equals(inputTopic)) {
      problems.add("unkeyedTopic must not be the inputTopic (" + inputTopic + ")");
    }
    requirePositive(problems, "stitchHorizon", stitchHorizon);
    requirePositive(problems, "inactivityGap", inactivityGap);
    requirePositive(problems, "maxTraceAge", maxTraceAge);
    requirePositive(problems, "closeCheckInterval", closeCheckInterval);
    if (grace == null || grace.isNegative()) {
      problems.add("grace must be zero or positive, was " + grace);
    }
    if (tombstoneRetention == null || tombstoneRetention.isNegative()) {
      problems.add("tombstoneRetention must be zero or positive, was " + tombstoneRetention);
    }
    if (maxClockSkew == null || maxClockSkew.isNegative()) {
      problems.add("maxClockSkew must be zero or positive, was " + maxClockSkew);
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
