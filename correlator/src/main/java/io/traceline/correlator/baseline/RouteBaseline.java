package io.traceline.correlator.baseline;

import io.traceline.model.Timeline.Hop;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A route's learned baseline at one quantile: what {@link OutlierRules} compare a request with.
 * Immutable and thread-safe; small (a few numbers per hop), so views can be cached.
 *
 * @param traces requests of the route in the window
 * @param durationSamples request durations in the sketch (equal to {@code traces} unless a stored
 *     bucket was replaced)
 * @param duration the quantile of the request durations in ms, or null when there are none
 * @param hops per hop that has values, its baseline, in {@link HopCodec#ORDER}
 */
public record RouteBaseline(
    long traces, long durationSamples, Double duration, SortedMap<Hop, HopBaseline> hops) {

  /** Nothing learned. */
  public static final RouteBaseline EMPTY =
      new RouteBaseline(0, 0, null, new TreeMap<>(HopCodec.ORDER));

  public RouteBaseline {
    if (traces < 0 || durationSamples < 0) {
      throw new IllegalArgumentException("negative counts");
    }
    if ((duration == null) != (durationSamples == 0)) {
      throw new IllegalArgumentException("a duration quantile exactly when there are samples");
    }
    TreeMap<Hop, HopBaseline> copy = new TreeMap<>(HopCodec.ORDER);
    copy.putAll(hops);
    hops = Collections.unmodifiableSortedMap(copy);
  }

  /** The fraction of the route's requests that contained {@code hop}, in [0, 1]. */
  public double presence(Hop hop) {
    HopBaseline h = hops.get(hop);
    return h == null || traces == 0 ? 0 : Math.min(1.0, (double) h.traces() / traces);
  }

  /**
   * One hop's baseline.
   *
   * @param traces requests of the route that contained the hop
   * @param samples self-time values in the sketch
   * @param selfTime the quantile of the hop's self time in ms
   */
  public record HopBaseline(long traces, long samples, double selfTime) {
    public HopBaseline {
      if (traces < 0 || samples < 0 || !(selfTime >= 0)) {
        throw new IllegalArgumentException("bad hop baseline " + traces + "/" + samples);
      }
    }
  }

  /** The baseline of a hop, or null when the hop has none. */
  public HopBaseline hop(Hop hop) {
    return hops.get(Objects.requireNonNull(hop, "hop"));
  }
}
