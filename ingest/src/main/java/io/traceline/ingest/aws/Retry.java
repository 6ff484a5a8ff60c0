package io.traceline.ingest.aws;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Retries AWS calls (CloudWatch Logs, Kinesis) that failed for a passing reason, with bounded
 * exponential backoff and full jitter; everything else fails at once. The decision is a pure
 * function ({@link #classify}, {@link #delay}); {@link #call} applies it.
 *
 * <p>Retriable: throttling ({@code ThrottlingException}, {@code LimitExceededException}, which
 * CloudWatch Logs and Kinesis return for "rate exceeded", Kinesis's {@code
 * ProvisionedThroughputExceededException} and {@code KMSThrottlingException}), {@code
 * ServiceUnavailableException}, HTTP 429 and 5xx, and client-side I/O failures (connection reset,
 * timeout). Fatal: client-side failures that are not I/O (no credentials, no region), and every
 * other service error ({@code AccessDeniedException}, {@code ResourceNotFoundException}, {@code
 * InvalidParameterException}, ...). The SDK's own retries are switched off where this is used, so
 * that this is the one place that decides.
 *
 * <p>Immutable and thread-safe when its {@link Sleeper} and random generator are.
 */
public final class Retry {

  /** Default attempts per call, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 8;

  /** Default delay before the first retry (before jitter). */
  public static final Duration DEFAULT_BASE = Duration.ofMillis(200);

  /** Default upper bound of one delay. */
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(20);

  private static final Set<String> RETRIABLE_CODES =
      Set.of(
          "throttlingexception",
          "throttling",
          "limitexceededexception",
          "provisionedthroughputexceededexception",
          "kmsthrottlingexception",
          "toomanyrequestsexception",
          "requestlimitexceeded",
          "serviceunavailableexception",
          "serviceunavailable",
          "internalfailure",
          "requesttimeout",
          "requesttimeoutexception");

  /** What to do with a failure. */
  public enum Verdict {
    RETRY,
    FATAL
  }

  /** Waits between attempts; tests record instead of waiting. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** The real one. */
    static Sleeper system() {
      return d -> Thread.sleep(d.toMillis());
    }
  }

  private final int maxAttempts;
  private final Duration base;
  private final Duration cap;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  /**
   * A retry policy.
   *
   * @param maxAttempts attempts per call including the first, at least 1
   * @param base delay before the first retry, before jitter
   * @param cap upper bound of one delay
   * @param sleeper how to wait
   * @param random the jitter's source
   */
  public Retry(
      int maxAttempts, Duration base, Duration cap, Sleeper sleeper, RandomGenerator random) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.base = Objects.requireNonNull(base, "base");
    this.cap = Objects.requireNonNull(cap, "cap");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The defaults: 8 attempts, 200 ms doubling up to 20 s, full jitter, real sleeping. */
  public static Retry defaults() {
    return new Retry(
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_BASE,
        DEFAULT_CAP,
        Sleeper.system(),
        RandomGenerator.getDefault());
  }

  /**
   * Whether a failure is worth another attempt.
   *
   * @param errorCode the service's error code ({@code __type}), or null when there is none
   * @param httpStatus the HTTP status, or 0 when no response was received
   */
  public static Verdict classify(String errorCode, int httpStatus) {
    if (errorCode != null && RETRIABLE_CODES.contains(errorCode.toLowerCase(Locale.ROOT))) {
      return Verdict.RETRY;
    }
    if (httpStatus == 429 || httpStatus >= 500) {
      return Verdict.RETRY;
    }
    if (httpStatus == 0 && errorCode == null) {
      return Verdict.RETRY; // no response at all: I/O failure or timeout
    }
    return Verdict.FATAL;
  }

  /** {@link #classify(String, int)} of an SDK exception. */
  public static Verdict classify(SdkException e) {
    if (e instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      return classify(code == null ? "" : code, service.statusCode());
    }
    if (e instanceof SdkClientException && causedByIo(e)) {
      return classify(null, 0);
    }
    return Verdict.FATAL; // e.g. no credentials, no region: retrying cannot help
  }

  private static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The delay before retry number {@code retry} (1 = the first retry): full jitter over {@code
   * min(cap, base * 2^(retry-1))}.
   *
   * @param unit a sample of [0, 1): where in the window the delay falls
   */
  public static Duration delay(int retry, Duration base, Duration cap, double unit) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry counts from 1, was " + retry);
    }
    long ceiling = base.toMillis() << Math.min(retry - 1, 30);
    if (ceiling <= 0 || ceiling > cap.toMillis()) {
      ceiling = cap.toMillis();
    }
    double u = Math.max(0, Math.min(unit, 1));
    return Duration.ofMillis((long) Math.floor(ceiling * u));
  }

  /**
   * Runs {@code call}, retrying retriable failures up to the attempt bound.
   *
   * @throws SdkException the last failure, when fatal or when attempts ran out
   * @throws InterruptedException when interrupted while waiting
   */
  public <T> T call(Supplier<T> call) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (SdkException e) {
        if (attempt >= maxAttempts || classify(e) == Verdict.FATAL) {
          throw e;
        }
        sleeper.sleep(delay(attempt, base, cap, random.nextDouble()));
      }
    }
  }

  /** Attempts per call, the first included. */
  public int maxAttempts() {
    return maxAttempts;
  }
}
