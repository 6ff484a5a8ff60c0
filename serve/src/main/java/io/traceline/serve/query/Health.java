package io.traceline.serve.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A service's health in a window against its baseline (the windows just before it): its error rate
 * and the p99 of its segments' durations. Pure.
 *
 * <ul>
 *   <li>{@code CRITICAL}: error rate at least 5% and at least twice the baseline's, or p99 at least
 *       twice the baseline's p99;
 *   <li>{@code DEGRADED}: error rate at least 1% and at least 1.5 times the baseline's, or p99 at
 *       least 1.3 times the baseline's;
 *   <li>{@code HEALTHY}: neither.
 * </ul>
 *
 * <p>Latency is judged only when both windows hold at least {@link #MIN_SAMPLES} segments of the
 * service: a p99 of a handful of requests says nothing. Without a baseline the error rate is judged
 * against zero (a new service with 5% errors is critical).
 */
public enum Health {
  HEALTHY,
  DEGRADED,
  CRITICAL;

  /** Segments a window needs before its p99 is compared. */
  public static final long MIN_SAMPLES = 20;

  /**
   * What one window measured of a service.
   *
   * @param segments the service's segments (one per request and operation)
   * @param errors those with at least one error
   * @param p99Ms the 99th percentile of their durations, or null when there are none
   */
  public record Stats(long segments, long errors, Double p99Ms) {

    /** Errors per segment, 0 when there are none. */
    public double errorRate() {
      return segments == 0 ? 0 : (double) errors / segments;
    }
  }

  /**
   * The verdict and the reasons for it.
   *
   * @param health the verdict
   * @param latencyRatio p99 over the baseline's p99, or null when latency was not judged
   * @param reasons what made it degraded or critical, in words (empty when healthy)
   */
  public record Verdict(Health health, Double latencyRatio, List<String> reasons) {}

  /** The health of {@code current} against {@code baseline}. */
  public static Verdict judge(Stats current, Stats baseline) {
    Health health = HEALTHY;
    List<String> reasons = new ArrayList<>();
    double errorRate = current.errorRate();
    double baselineErrors = baseline.errorRate();
    if (errorRate >= 0.05 && errorRate >= 2 * baselineErrors) {
      health = CRITICAL;
      reasons.add(errorReason(errorRate, baseline));
    } else if (errorRate >= 0.01 && errorRate >= 1.5 * baselineErrors) {
      health = DEGRADED;
      reasons.add(errorReason(errorRate, baseline));
    }
    Double ratio = null;
    if (current.segments() >= MIN_SAMPLES
        && baseline.segments() >= MIN_SAMPLES
        && current.p99Ms() != null
        && baseline.p99Ms() != null
        && baseline.p99Ms() > 0) {
      ratio = current.p99Ms() / baseline.p99Ms();
      Health latency = ratio >= 2 ? CRITICAL : ratio >= 1.3 ? DEGRADED : HEALTHY;
      if (latency != HEALTHY) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "p99 %.0f ms is %.1fx the baseline's %.0f ms",
                current.p99Ms(),
                ratio,
                baseline.p99Ms()));
        if (latency.compareTo(health) > 0) {
          health = latency;
        }
      }
    }
    return new Verdict(health, ratio, List.copyOf(reasons));
  }

  private static String errorReason(double errorRate, Stats baseline) {
    return baseline.segments() == 0
        ? String.format(
            Locale.ROOT, "%.1f%% of requests with errors (no baseline)", errorRate * 100)
        : String.format(
            Locale.ROOT,
            "%.1f%% of requests with errors, baseline %.1f%%",
            errorRate * 100,
            baseline.errorRate() * 100);
  }
}
