package io.traceline.correlator.baseline;

import io.traceline.model.FlagType;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Timeline.Hop;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The rules that compare one request with its route's learned baseline. Pure and thread-safe.
 *
 * <ul>
 *   <li>{@code LATENCY_OUTLIER}: with at least {@code minSamples} requests in the baseline, the
 *       request took at least {@code max(p * ratio, p + minDeltaMs)}, where {@code p} is the
 *       baseline's quantile {@code quantile} of the route's durations.
 *   <li>{@code SEGMENT_OUTLIER}: the same for each hop's self time against that hop's quantile (at
 *       least {@code minSamples} values of the hop); names the hop.
 *   <li>{@code MISSING_HOP}: with at least {@code minSamples} requests in the baseline, a hop that
 *       was in at least {@code missingHopPresence} of them is absent from a request whose hops are
 *       all known.
 * </ul>
 *
 * The ratio keeps the threshold clear of the sketch's 1% error and of the route's normal tail; the
 * delta keeps millisecond-scale hops from being flagged for a few milliseconds of jitter.
 *
 * @param quantile the baseline quantile, in (0, 1); 0.99 by default (p99: tail faults move it)
 * @param ratio how many times the baseline a value must be, at least 1
 * @param minDeltaMs how far above the baseline a value must be at least, in ms
 * @param minSamples values needed in the baseline before anything is flagged
 * @param missingHopPresence fraction of requests a hop must have been in to be missed, in (0, 1]
 * @param window the window's length, for the reasons ("p99 of the last hour")
 */
public record OutlierRules(
    double quantile,
    double ratio,
    long minDeltaMs,
    int minSamples,
    double missingHopPresence,
    Duration window) {

  public OutlierRules {
    if (!(quantile > 0 && quantile < 1)) {
      throw new IllegalArgumentException("quantile outside (0, 1): " + quantile);
    }
    if (!(ratio >= 1) || Double.isInfinite(ratio)) {
      throw new IllegalArgumentException("ratio below 1: " + ratio);
    }
    if (minDeltaMs < 0 || minSamples < 1) {
      throw new IllegalArgumentException("bad minimums " + minDeltaMs + "/" + minSamples);
    }
    if (!(missingHopPresence > 0 && missingHopPresence <= 1)) {
      throw new IllegalArgumentException("presence outside (0, 1]: " + missingHopPresence);
    }
    Objects.requireNonNull(window, "window");
  }

  /** The value at or above which {@code baseline} flags an observation. */
  public double threshold(double baseline) {
    return Math.max(baseline * ratio, baseline + minDeltaMs);
  }

  /** The flags of {@code sample} against {@code baseline}: route first, then hops in order. */
  public List<Flag> flags(TraceSample sample, RouteBaseline baseline) {
    List<Flag> flags = new ArrayList<>();
    if (baseline.durationSamples() >= minSamples
        && baseline.duration() != null
        && sample.durationMs() >= threshold(baseline.duration())) {
      flags.add(
          outlier(
              FlagType.LATENCY_OUTLIER,
              sample.route(),
              sample.durationMs(),
              baseline.duration(),
              "request " + name(sample.route()) + " took " + sample.durationMs() + " ms"));
    }
    for (Map.Entry<Hop, Long> e : sample.hops().entrySet()) {
      RouteBaseline.HopBaseline hop = baseline.hop(e.getKey());
      if (hop != null && hop.samples() >= minSamples && e.getValue() >= threshold(hop.selfTime())) {
        flags.add(
            outlier(
                FlagType.SEGMENT_OUTLIER,
                e.getKey(),
                e.getValue(),
                hop.selfTime(),
                name(e.getKey()) + " took " + e.getValue() + " ms of its own time"));
      }
    }
    if (sample.hopsComplete() && baseline.traces() >= minSamples) {
      for (Hop hop : baseline.hops().keySet()) {
        double presence = baseline.presence(hop);
        if (presence >= missingHopPresence && !sample.hops().containsKey(hop)) {
          flags.add(missing(sample.route(), hop, presence));
        }
      }
    }
    return flags;
  }

  private Flag outlier(FlagType type, Hop hop, long observed, double baseline, String what) {
    Double ratioToBaseline = Flag.ratio((double) observed, baseline);
    String times =
        ratioToBaseline == null ? "" : String.format(Locale.ROOT, " (%.1fx)", ratioToBaseline);
    return new Flag(
        type,
        hop.service(),
        hop.operation(),
        (double) observed,
        baseline,
        quantile,
        ratioToBaseline,
        what
            + ", "
            + quantileName()
            + " of the last "
            + windowName()
            + " is "
            + ms(baseline)
            + " ms"
            + times);
  }

  private Flag missing(Hop route, Hop hop, double presence) {
    return new Flag(
        FlagType.MISSING_HOP,
        hop.service(),
        hop.operation(),
        null,
        presence,
        null,
        null,
        name(hop)
            + " was in "
            + percent(presence)
            + " of the last "
            + windowName()
            + "'s "
            + name(route)
            + " requests, not in this one");
  }

  /** {@code p99}, {@code p99.9}, {@code p50}. */
  String quantileName() {
    return "p" + BigDecimal.valueOf(quantile * 100).stripTrailingZeros().toPlainString();
  }

  /** {@code hour}, {@code 2 hours}, {@code 30 minutes}, {@code 90 seconds}. */
  String windowName() {
    if (window.toSecondsPart() == 0 && window.toMillisPart() == 0) {
      if (window.toMinutesPart() == 0) {
        return plural(window.toHours(), "hour");
      }
      return plural(window.toMinutes(), "minute");
    }
    if (window.toMillisPart() == 0) {
      return plural(window.toSeconds(), "second");
    }
    return plural(window.toMillis(), "millisecond");
  }

  private static String plural(long n, String unit) {
    return n == 1 ? unit : n + " " + unit + "s";
  }

  private static String name(Hop hop) {
    return hop.operation() == null ? hop.service() : hop.service() + " " + hop.operation();
  }

  private static String ms(double value) {
    return value < 10
        ? String.format(Locale.ROOT, "%.1f", value)
        : Long.toString(Math.round(value));
  }

  private static String percent(double fraction) {
    return Math.round(fraction * 100) + "%";
  }
}
