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
 * @param baselineWindow how much history a learned baseline covers (a whole number of buckets):
 *     requests are compared with the buckets that ended {@code maxTraceAge + inactivityGap} before
 *     they started, back to this long before that
 * @param baselineBucket width of one time bucket of the baselines; a request is learned into the
 *     bucket of its start time, and buckets expire whole
 * @param baselineQuantile the quantile of the baseline that requests and hops are compared with, in
 *     (0, 1): 0.99 catches tail faults that leave the median alone
 * @param outlierRatio a request or hop is an outlier at {@code max(quantile * outlierRatio,
 *     quantile + minOutlierDeltaMs)}; at least 1
 * @param minOutlierDeltaMs see {@code outlierRatio}: keeps millisecond hops from being flagged for
 *     a few milliseconds of jitter
 * @param minBaselineSamples values a baseline needs before it flags anything (LATENCY_OUTLIER,
 *     SEGMENT_OUTLIER) or requests it needs before a hop can be missing (MISSING_HOP)
 * @param missingHopPresence a hop in at least this fraction of a route's requests is flagged
 *     MISSING_HOP when a complete request lacks it, in (0, 1]
 * @param maxBaselineRoutes routes each task learns; requests of further routes are counted ({@code
 *     traceline.correlator.baseline.dropped{reason=too-many-routes}}), not learned
 * @param maxBaselineHopsPerRoute hops learned per route and bucket; values of further hops are
 *     counted ({@code reason=too-many-hops}), not learned
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
    String edgeCallsTopic,
    Duration baselineWindow,
    Duration baselineBucket,
    double baselineQuantile,
    double outlierRatio,
    long minOutlierDeltaMs,
    int minBaselineSamples,
    double missingHopPresence,
    int maxBaselineRoutes,
    int maxBaselineHopsPerRoute) {

  /** Most buckets in a baseline window: merging them is the cost of a view. */
  public static final int MAX_BASELINE_BUCKETS = 1_440;

  /**
   * Defaults for CloudWatch delivery (5-60 s lag between log groups): a 30 s inactivity gap, a 5
   * minute cap on a trace's age, 10 minutes of grace for late events, an hour of tombstones, 5
   * seconds of clock skew; unkeyed events wait 2 minutes for their request link. Baselines: p99 of
   * the last hour in 5 minute buckets, outliers at 1.5 times it and at least 20 ms above it, after
   * 50 values; a hop in 95% of a route's requests is missed; 1,000 routes and 64 hops per route and
   * bucket per task.
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
        Duration.ofMillis(500),
        500,
        500,
        Topics.UNKEYED,
        Topics.REQUEST_LINKS,
        Duration.ofMinutes(2),
        Topics.ALERTS,
        Topics.SERVICE_EDGES,
        Topics.EDGE_CALLS,
        Duration.ofHours(1),
        Duration.ofMinutes(5),
        0.99,
        1.5,
        20,
        50,
        0.95,
        1_000,
        64);
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
    b.baselineWindow = baselineWindow;
    b.baselineBucket = baselineBucket;
    b.baselineQuantile = baselineQuantile;
    b.outlierRatio = outlierRatio;
    b.minOutlierDeltaMs = minOutlierDeltaMs;
    b.minBaselineSamples = minBaselineSamples;
    b.missingHopPresence = missingHopPresence;
    b.maxBaselineRoutes = maxBaselineRoutes;
    b.maxBaselineHopsPerRoute = maxBaselineHopsPerRoute;
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
    private Duration baselineWindow;
    private Duration baselineBucket;
    private double baselineQuantile;
    private double outlierRatio;
    private long minOutlierDeltaMs;
    private int minBaselineSamples;
    private double missingHopPresence;
    private int maxBaselineRoutes;
    private int maxBaselineHopsPerRoute;

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

    public Builder baselineWindow(Duration value) {
      this.baselineWindow = value;
      return this;
    }

    public Builder baselineBucket(Duration value) {
      this.baselineBucket = value;
      return this;
    }

    public Builder baselineQuantile(double value) {
      this.baselineQuantile = value;
      return this;
    }

    public Builder outlierRatio(double value) {
      this.outlierRatio = value;
      return this;
    }

    public Builder minOutlierDeltaMs(long value) {
      this.minOutlierDeltaMs = value;
      return this;
    }

    public Builder minBaselineSamples(int value) {
      this.minBaselineSamples = value;
      return this;
    }

    public Builder missingHopPresence(double value) {
      this.missingHopPresence = value;
      return this;
    }

    public Builder maxBaselineRoutes(int value) {
      this.maxBaselineRoutes = value;
      return this;
    }

    public Builder maxBaselineHopsPerRoute(int value) {
      this.maxBaselineHopsPerRoute = value;
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
          edgeCallsTopic,
          baselineWindow,
          baselineBucket,
          baselineQuantile,
          outlierRatio,
          minOutlierDeltaMs,
          minBaselineSamples,
          missingHopPresence,
          maxBaselineRoutes,
          maxBaselineHopsPerRoute);
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
    baselineProblems(problems);
    return problems;
  }

  private void baselineProblems(List<String> problems) {
    requirePositive(problems, "baselineBucket", baselineBucket);
    requirePositive(problems, "baselineWindow", baselineWindow);
    if (isPositive(baselineBucket) && isPositive(baselineWindow)) {
      long bucket = baselineBucket.toMillis();
      long window = baselineWindow.toMillis();
      if (bucket < 1
          || !baselineBucket.equals(Duration.ofMillis(bucket))
          || !baselineWindow.equals(Duration.ofMillis(window))
          || window % bucket != 0) {
        problems.add(
            "baselineWindow ("
                + baselineWindow
                + ") must be a whole number of baselineBucket ("
                + baselineBucket
                + "), both in whole milliseconds");
      } else if (window / bucket > MAX_BASELINE_BUCKETS) {
        problems.add(
            "baselineWindow must hold at most "
                + MAX_BASELINE_BUCKETS
                + " buckets, was "
                + window / bucket);
      }
    }
    if (!(baselineQuantile > 0 && baselineQuantile < 1)) {
      problems.add("baselineQuantile must be between 0 and 1 (exclusive), was " + baselineQuantile);
    }
    if (!(outlierRatio >= 1) || Double.isInfinite(outlierRatio)) {
      problems.add("outlierRatio must be at least 1, was " + outlierRatio);
    }
    if (minOutlierDeltaMs < 0) {
      problems.add("minOutlierDeltaMs must be zero or positive, was " + minOutlierDeltaMs);
    }
    if (minBaselineSamples < 1) {
      problems.add("minBaselineSamples must be at least 1, was " + minBaselineSamples);
    }
    if (!(missingHopPresence > 0 && missingHopPresence <= 1)) {
      problems.add("missingHopPresence must be in (0, 1], was " + missingHopPresence);
    }
    if (maxBaselineRoutes < 1) {
      problems.add("maxBaselineRoutes must be at least 1, was " + maxBaselineRoutes);
    }
    if (maxBaselineHopsPerRoute < 1) {
      problems.add("maxBaselineHopsPerRoute must be at least 1, was " + maxBaselineHopsPerRoute);
    }
  }

  private static boolean isPositive(Duration value) {
    return value != null && !value.isZero() && !value.isNegative();
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
