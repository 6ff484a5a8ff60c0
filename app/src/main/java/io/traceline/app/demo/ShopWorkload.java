package io.traceline.app.demo;

import io.traceline.ingest.decode.SubscriptionMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A realistic synthetic workload: a web shop on AWS (API Gateway REST stage, a Python Lambda, an
 * ECS service behind FireLens, RDS PostgreSQL) whose log lines arrive exactly as a CloudWatch Logs
 * subscription filter delivers them to Kinesis: {@link SubscriptionMessage}s of one log group and
 * stream each, events in timestamp order, 56-digit event ids, an occasional control message, and a
 * delivery delay per log group.
 *
 * <p>Every request is traced. Faults are injected at configurable rates: cold starts, slow queries,
 * third-party timeouts; {@link #generated()} tells what was injected where. Background lines
 * without a trace id (database checkpoints, container health checks) exercise the unkeyed path.
 *
 * <p>Deterministic: the same {@link Settings} (seed included) and the same clock values give the
 * same messages; the messages do not even depend on how finely the clock is stepped. The clock is
 * the caller's: the first {@link #advanceTo} call sets the start of the run. Not thread-safe: use
 * from one thread.
 *
 * <pre>{@code
 * ShopWorkload w = new ShopWorkload(Settings.builder().requestsPerSecond(20).seed(42).build());
 * List<SubscriptionMessage> due = w.advanceTo(System.currentTimeMillis());
 * }</pre>
 */
public final class ShopWorkload {

  private static final int SOURCE_REQUESTS = 0;
  private static final int SOURCE_NOISE = 1;

  private final Settings settings;
  private final Dice arrivals;
  private final DeliveryBuffer buffer;
  private final Deque<RequestTruth> truths = new ArrayDeque<>();
  private RequestSimulator simulator;
  private BackgroundNoise noise;
  private boolean started;
  private long clock;
  private double nextArrival;
  private long nextControl;
  private long requestCount;

  /** A workload that starts at the first {@link #advanceTo} call. */
  public ShopWorkload(Settings settings) {
    this.settings = settings;
    this.arrivals = new Dice(Dice.mix(settings.seed(), 1));
    this.buffer = new DeliveryBuffer(settings);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Moves the clock to {@code nowEpochMs}: generates the requests that arrive at or before it and
   * returns the messages whose delivery time is at or before it, in delivery order. A clock that
   * goes backwards is ignored (nothing is generated or returned).
   */
  public List<SubscriptionMessage> advanceTo(long nowEpochMs) {
    if (!started) {
      start(nowEpochMs);
    }
    if (nowEpochMs < clock) {
      return List.of();
    }
    clock = nowEpochMs;
    while ((long) nextArrival <= nowEpochMs) {
      RequestSimulator.Simulated request = simulator.simulate((long) nextArrival);
      for (LogLine line : request.lines()) {
        buffer.add(line, SOURCE_REQUESTS);
      }
      remember(request.truth());
      nextArrival += arrivals.exponential(1000.0 / settings.requestsPerSecond());
    }
    noise.emitUpTo(nowEpochMs, this::addNoise);
    while (settings.controlMessageIntervalMs() > 0 && nextControl <= nowEpochMs) {
      buffer.addControl(nextControl);
      nextControl += settings.controlMessageIntervalMs();
    }
    return buffer.release(nowEpochMs);
  }

  /**
   * Returns everything still buffered, including lines of requests still in flight whose delivery
   * time is later than the clock: the end of a run. Generates nothing.
   */
  public List<SubscriptionMessage> drain() {
    return buffer.releaseAll();
  }

  /**
   * The ground truth of the generated requests, in arrival order: the most recent {@link
   * Settings#truthRetention()} of them.
   */
  public List<RequestTruth> generated() {
    return List.copyOf(truths);
  }

  /** How many requests were generated since the start. */
  public long requestCount() {
    return requestCount;
  }

  private void start(long now) {
    started = true;
    clock = now;
    long seed = settings.seed();
    Dice setup = new Dice(Dice.mix(seed, 2));
    InventoryTasks tasks = new InventoryTasks(setup, settings.inventoryTasks());
    LambdaFleet fleet =
        new LambdaFleet(setup, settings.warmEnvironments(), settings.maxEnvironments(), now);
    simulator = new RequestSimulator(settings, new Dice(Dice.mix(seed, 3)), fleet, tasks);
    noise =
        new BackgroundNoise(
            new Dice(Dice.mix(seed, 4)),
            tasks,
            now,
            settings.checkpointIntervalMs(),
            settings.healthCheckIntervalMs());
    nextArrival = now + arrivals.exponential(1000.0 / settings.requestsPerSecond());
    nextControl = now + settings.controlMessageIntervalMs();
  }

  private void addNoise(LogLine line) {
    buffer.add(line, SOURCE_NOISE);
  }

  private void remember(RequestTruth truth) {
    requestCount++;
    if (settings.truthRetention() == 0) {
      return;
    }
    if (truths.size() == settings.truthRetention()) {
      truths.removeFirst();
    }
    truths.addLast(truth);
  }

  /**
   * What was generated for one request: the ids the pipeline should find and the faults injected.
   *
   * @param arrivalEpochMs when API Gateway received it (the access-log event's timestamp)
   * @param responseEpochMs when API Gateway answered (the access-log line is written then)
   * @param traceId canonical trace id, 32 lowercase hex (the W3C form of {@code xrayTraceId})
   * @param xrayTraceId the X-Ray form {@code 1-<8 hex>-<24 hex>}
   * @param apiRequestId API Gateway {@code requestId} (Powertools {@code correlation_id})
   * @param lambdaRequestId the Lambda RequestId ({@code integrationRequestId})
   * @param route {@code POST /orders}, {@code GET /orders/{orderId}} or {@code GET /products}
   * @param status the status API Gateway returned
   * @param coldStart whether Lambda ran INIT (injected, or no warm environment was free)
   * @param slowQuery whether the slow-query fault was injected
   * @param thirdPartyTimeout whether the payment provider call timed out
   * @param statementLogged whether RDS logged the request's statement (slower than 100 ms)
   */
  public record RequestTruth(
      long arrivalEpochMs,
      long responseEpochMs,
      String traceId,
      String xrayTraceId,
      String apiRequestId,
      String lambdaRequestId,
      String route,
      int status,
      boolean coldStart,
      boolean slowQuery,
      boolean thirdPartyTimeout,
      boolean statementLogged) {

    /** Response latency as API Gateway logs it. */
    public long latencyMs() {
      return responseEpochMs - arrivalEpochMs;
    }

    /** Whether no fault touched this request. */
    public boolean isNormal() {
      return !coldStart && !slowQuery && !thirdPartyTimeout;
    }
  }

  /**
   * A delivery delay range, in ms after the end of a batch's flush window.
   *
   * @param minMs the smallest delay
   * @param maxMs the largest delay
   */
  public record DeliveryDelay(long minMs, long maxMs) {}

  /**
   * Settings of the workload. Immutable; build from {@link #defaults()} with the {@code with...}
   * methods. Invalid values fail in the constructor with one message listing every problem.
   *
   * @param requestsPerSecond mean arrival rate (Poisson); default 20
   * @param seed seeds every random choice; default 1
   * @param coldStartRate fraction of requests given a fresh Lambda environment; default 0.03
   * @param slowQueryRate fraction of {@code /orders} requests whose statement takes 700-1500 ms;
   *     default 0.05 ({@code GET /products} is cached and never slow)
   * @param thirdPartyTimeoutRate fraction of {@code POST /orders} requests whose payment provider
   *     call times out after 3000 ms; default 0.03
   * @param deliveryDelay delivery delay of every log group without an override; default 200-1500 ms
   * @param deliveryDelayByLogGroup per log group overrides; default none
   * @param flushIntervalMs the batching window per log stream; default 250 ms
   * @param controlMessageIntervalMs period of CONTROL_MESSAGEs, 0 for none; default 60 s
   * @param checkpointIntervalMs period of PostgreSQL checkpoint lines, 0 for none; default 30 s
   * @param healthCheckIntervalMs period of inventory-svc health-check lines, 0 for none; default 10
   *     s
   * @param warmEnvironments Lambda environments already warm at the start; default 8
   * @param maxEnvironments the Lambda pool's size beyond which idle environments retire; default 16
   * @param inventoryTasks running inventory-svc tasks, 1-3; default 2
   * @param truthRetention how many {@link RequestTruth}s {@link #generated()} keeps; default
   *     100,000
   */
  public record Settings(
      double requestsPerSecond,
      long seed,
      double coldStartRate,
      double slowQueryRate,
      double thirdPartyTimeoutRate,
      DeliveryDelay deliveryDelay,
      Map<String, DeliveryDelay> deliveryDelayByLogGroup,
      long flushIntervalMs,
      long controlMessageIntervalMs,
      long checkpointIntervalMs,
      long healthCheckIntervalMs,
      int warmEnvironments,
      int maxEnvironments,
      int inventoryTasks,
      int truthRetention) {

    public Settings {
      deliveryDelayByLogGroup = Map.copyOf(deliveryDelayByLogGroup);
      List<String> problems = new ArrayList<>();
      if (!(requestsPerSecond > 0 && requestsPerSecond <= 10_000)) {
        problems.add("requestsPerSecond must be in (0, 10000], was " + requestsPerSecond);
      }
      rate(problems, "coldStartRate", coldStartRate);
      rate(problems, "slowQueryRate", slowQueryRate);
      rate(problems, "thirdPartyTimeoutRate", thirdPartyTimeoutRate);
      delay(problems, "deliveryDelay", deliveryDelay);
      deliveryDelayByLogGroup.forEach(
          (group, d) -> delay(problems, "deliveryDelay[" + group + "]", d));
      if (flushIntervalMs <= 0) {
        problems.add("flushIntervalMs must be > 0, was " + flushIntervalMs);
      }
      nonNegative(problems, "controlMessageIntervalMs", controlMessageIntervalMs);
      nonNegative(problems, "checkpointIntervalMs", checkpointIntervalMs);
      nonNegative(problems, "healthCheckIntervalMs", healthCheckIntervalMs);
      if (maxEnvironments < 1 || warmEnvironments < 0 || warmEnvironments > maxEnvironments) {
        problems.add(
            "need 0 <= warmEnvironments <= maxEnvironments and maxEnvironments >= 1, were "
                + warmEnvironments
                + " and "
                + maxEnvironments);
      }
      if (inventoryTasks < 1 || inventoryTasks > 3) {
        problems.add("inventoryTasks must be 1-3, was " + inventoryTasks);
      }
      nonNegative(problems, "truthRetention", truthRetention);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid workload settings: " + String.join("; ", problems));
      }
    }

    /** The defaults listed on this record. */
    public static Settings defaults() {
      return new Settings(
          20,
          1,
          0.03,
          0.05,
          0.03,
          new DeliveryDelay(200, 1500),
          Map.of(),
          250,
          60_000,
          30_000,
          10_000,
          8,
          16,
          2,
          100_000);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
      return defaults().toBuilder();
    }

    /** The delivery delay of {@code logGroup}: its override, else {@link #deliveryDelay()}. */
    public DeliveryDelay deliveryDelayFor(String logGroup) {
      return deliveryDelayByLogGroup.getOrDefault(logGroup, deliveryDelay);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.requestsPerSecond = requestsPerSecond;
      b.seed = seed;
      b.coldStartRate = coldStartRate;
      b.slowQueryRate = slowQueryRate;
      b.thirdPartyTimeoutRate = thirdPartyTimeoutRate;
      b.deliveryDelay = deliveryDelay;
      b.deliveryDelayByLogGroup = new java.util.HashMap<>(deliveryDelayByLogGroup);
      b.flushIntervalMs = flushIntervalMs;
      b.controlMessageIntervalMs = controlMessageIntervalMs;
      b.checkpointIntervalMs = checkpointIntervalMs;
      b.healthCheckIntervalMs = healthCheckIntervalMs;
      b.warmEnvironments = warmEnvironments;
      b.maxEnvironments = maxEnvironments;
      b.inventoryTasks = inventoryTasks;
      b.truthRetention = truthRetention;
      return b;
    }

    private static void rate(List<String> problems, String name, double value) {
      if (!(value >= 0 && value <= 1)) {
        problems.add(name + " must be in [0, 1], was " + value);
      }
    }

    private static void nonNegative(List<String> problems, String name, long value) {
      if (value < 0) {
        problems.add(name + " must be >= 0, was " + value);
      }
    }

    private static void delay(List<String> problems, String name, DeliveryDelay delay) {
      if (delay == null || delay.minMs() < 0 || delay.maxMs() < delay.minMs()) {
        problems.add(name + " must have 0 <= minMs <= maxMs, was " + delay);
      }
    }
  }

  /** Mutable builder of {@link Settings}; not thread-safe. {@link #build()} validates. */
  public static final class Builder {
    private double requestsPerSecond;
    private long seed;
    private double coldStartRate;
    private double slowQueryRate;
    private double thirdPartyTimeoutRate;
    private DeliveryDelay deliveryDelay;
    private Map<String, DeliveryDelay> deliveryDelayByLogGroup;
    private long flushIntervalMs;
    private long controlMessageIntervalMs;
    private long checkpointIntervalMs;
    private long healthCheckIntervalMs;
    private int warmEnvironments;
    private int maxEnvironments;
    private int inventoryTasks;
    private int truthRetention;

    private Builder() {}

    public Builder requestsPerSecond(double value) {
      this.requestsPerSecond = value;
      return this;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public Builder coldStartRate(double value) {
      this.coldStartRate = value;
      return this;
    }

    public Builder slowQueryRate(double value) {
      this.slowQueryRate = value;
      return this;
    }

    public Builder thirdPartyTimeoutRate(double value) {
      this.thirdPartyTimeoutRate = value;
      return this;
    }

    public Builder flushIntervalMs(long value) {
      this.flushIntervalMs = value;
      return this;
    }

    public Builder controlMessageIntervalMs(long value) {
      this.controlMessageIntervalMs = value;
      return this;
    }

    public Builder checkpointIntervalMs(long value) {
      this.checkpointIntervalMs = value;
      return this;
    }

    public Builder healthCheckIntervalMs(long value) {
      this.healthCheckIntervalMs = value;
      return this;
    }

    public Builder warmEnvironments(int value) {
      this.warmEnvironments = value;
      return this;
    }

    public Builder maxEnvironments(int value) {
      this.maxEnvironments = value;
      return this;
    }

    public Builder inventoryTasks(int value) {
      this.inventoryTasks = value;
      return this;
    }

    public Builder truthRetention(int value) {
      this.truthRetention = value;
      return this;
    }

    /** Sets the three fault rates at once. */
    public Builder faultRates(double coldStart, double slowQuery, double thirdPartyTimeout) {
      this.coldStartRate = coldStart;
      this.slowQueryRate = slowQuery;
      this.thirdPartyTimeoutRate = thirdPartyTimeout;
      return this;
    }

    /** Sets the delivery delay of every log group without an override. */
    public Builder deliveryDelay(long minMs, long maxMs) {
      this.deliveryDelay = new DeliveryDelay(minMs, maxMs);
      return this;
    }

    /** Overrides the delivery delay of one log group. */
    public Builder deliveryDelay(String logGroup, long minMs, long maxMs) {
      this.deliveryDelayByLogGroup.put(logGroup, new DeliveryDelay(minMs, maxMs));
      return this;
    }

    /** Sets the periods of control messages, checkpoints and health checks (0 disables one). */
    public Builder backgroundIntervals(long controlMs, long checkpointMs, long healthCheckMs) {
      this.controlMessageIntervalMs = controlMs;
      this.checkpointIntervalMs = checkpointMs;
      this.healthCheckIntervalMs = healthCheckMs;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException listing every invalid value
     */
    public Settings build() {
      return new Settings(
          requestsPerSecond,
          seed,
          coldStartRate,
          slowQueryRate,
          thirdPartyTimeoutRate,
          deliveryDelay,
          deliveryDelayByLogGroup,
          flushIntervalMs,
          controlMessageIntervalMs,
          checkpointIntervalMs,
          healthCheckIntervalMs,
          warmEnvironments,
          maxEnvironments,
          inventoryTasks,
          truthRetention);
    }
  }
}
