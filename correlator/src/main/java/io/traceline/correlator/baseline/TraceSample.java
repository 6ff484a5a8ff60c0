package io.traceline.correlator.baseline;

import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Hop;
import io.traceline.model.Timeline.Segment;
import io.traceline.model.TimelineStatus;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the baselines learn from and compare one request by: its route, when it started, how long it
 * took, and the self time of each hop.
 *
 * <p>A hop's value is its segment's self time (time in that service itself, not in its callees): a
 * slow database then flags the database's hop, not every caller up the chain whose duration
 * includes it. Immutable and thread-safe.
 *
 * @param route the request's entry hop (service and operation)
 * @param startTime the request's start, epoch ms (event time): picks the bucket and the window
 * @param durationMs the request's duration
 * @param hops each hop of the request with its self time in ms, in {@link HopCodec#ORDER}
 * @param hopsComplete whether the request's hops are all known (false for a truncated or timed-out
 *     trace): only then can a hop be missing
 * @param learnable whether the baselines learn from it: the first emission of a complete trace
 *     (later revisions would count the request again; an incomplete one would skew the values)
 */
public record TraceSample(
    Hop route,
    long startTime,
    long durationMs,
    SortedMap<Hop, Long> hops,
    boolean hopsComplete,
    boolean learnable) {

  public TraceSample {
    Objects.requireNonNull(route, "route");
    if (durationMs < 0) {
      throw new IllegalArgumentException("negative duration: " + durationMs);
    }
    TreeMap<Hop, Long> copy = new TreeMap<>(HopCodec.ORDER);
    copy.putAll(hops);
    for (Map.Entry<Hop, Long> e : copy.entrySet()) {
      if (e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException("bad value of hop " + e.getKey() + ": " + e.getValue());
      }
    }
    hops = Collections.unmodifiableSortedMap(copy);
  }

  /** The sample of one timeline; a hop with several segments counts their self times together. */
  public static TraceSample of(Timeline timeline) {
    TreeMap<Hop, Long> hops = new TreeMap<>(HopCodec.ORDER);
    for (Segment s : timeline.segments()) {
      hops.merge(s.hop(), s.selfTimeMs(), Long::sum);
    }
    TimelineStatus status = timeline.status();
    boolean complete = status != TimelineStatus.TRUNCATED && status != TimelineStatus.TIMED_OUT;
    return new TraceSample(
        timeline.entry(),
        timeline.startTime(),
        timeline.durationMs(),
        hops,
        complete,
        timeline.revision() == 1 && status == TimelineStatus.COMPLETE);
  }
}
