package io.traceline.model;

import java.util.List;
import java.util.Objects;

/**
 * A flagged request in the slim form an alerting consumer acts on: the value of {@code
 * traceline.alerts}, keyed by trace id. It carries what a page needs (route, duration, flags with
 * their observed value and baseline, the bottleneck) and not the events; the full timeline is on
 * {@code traceline.timelines} under the same key and revision.
 *
 * <p>Immutable and thread-safe. Only timelines with at least one flag produce an alert; a later
 * revision of the same trace produces a new alert with the higher revision.
 *
 * @param traceId canonical trace id
 * @param revision the timeline revision this alert was derived from
 * @param status the timeline's status
 * @param startTime the request's start, epoch ms
 * @param durationMs the request's duration
 * @param route service and operation of the first hop
 * @param services services the request crossed, in order
 * @param bottleneck the part of the request with the largest share, or null
 * @param flags what is notable; never empty
 */
public record Alert(
    String traceId,
    int revision,
    TimelineStatus status,
    long startTime,
    long durationMs,
    Timeline.Hop route,
    List<String> services,
    Timeline.Bottleneck bottleneck,
    List<Timeline.Flag> flags) {

  public Alert {
    if (!TraceIds.isCanonical(traceId)) {
      throw new IllegalArgumentException("traceId must be 32 lowercase hex: " + traceId);
    }
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(route, "route");
    services = List.copyOf(services);
    flags = List.copyOf(flags);
    if (flags.isEmpty()) {
      throw new IllegalArgumentException("an alert has at least one flag");
    }
  }

  /** The alert for a flagged timeline, or null when the timeline carries no flag. */
  public static Alert of(Timeline timeline) {
    if (timeline.flags().isEmpty()) {
      return null;
    }
    return new Alert(
        timeline.traceId(),
        timeline.revision(),
        timeline.status(),
        timeline.startTime(),
        timeline.durationMs(),
        timeline.entry(),
        timeline.services(),
        timeline.bottleneck(),
        timeline.flags());
  }
}
