package io.traceline.correlator.assemble;

import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Bottleneck;
import io.traceline.model.Timeline.BottleneckKind;
import io.traceline.model.Timeline.Gap;
import io.traceline.model.Timeline.Segment;
import io.traceline.model.TimelineStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Assembles the events of one trace into a {@link Timeline}: events ordered by time, one segment
 * per service and operation, the calls between them (who called whom, from span ids where events
 * carry them, else inferred from time), self time, the gaps no service accounts for, the bottleneck
 * and the flags. See {@link CallGraph} for the rules.
 *
 * <p>Pure and thread-safe; knows nothing of Kafka. Event times map onto intervals by their kind
 * (see {@link io.traceline.model.EventKind.Anchor}).
 */
public final class TimelineAssembler {

  /** Orders events by time, then by id (CloudWatch ids of one stream grow within a batch). */
  public static final Comparator<LogEvent> EVENT_ORDER =
      Comparator.comparingLong(LogEvent::timestamp).thenComparing(LogEvent::id);

  private final FlagRules flagRules;
  private final int maxTimelineEvents;

  /**
   * @param sloThresholdMs static per-request threshold (SLO_BREACH)
   * @param slowQueryMs database statements at least this slow are flagged SLOW_QUERY
   * @param maxTimelineEvents events carried in the timeline; segments still use all events
   */
  public TimelineAssembler(long sloThresholdMs, long slowQueryMs, int maxTimelineEvents) {
    this.flagRules = new FlagRules(sloThresholdMs, slowQueryMs);
    this.maxTimelineEvents = maxTimelineEvents;
  }

  /**
   * Assembles one timeline.
   *
   * @param traceId canonical trace id
   * @param revision revision number of this emission (1 for the first)
   * @param status why the trace was closed
   * @param events the distinct stored events of the trace, in any order; not empty
   * @param eventCount every distinct event seen, including those beyond the storage bound
   */
  public Timeline assemble(
      String traceId, int revision, TimelineStatus status, List<LogEvent> events, int eventCount) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a timeline needs at least one event");
    }
    List<LogEvent> ordered = new ArrayList<>(events);
    ordered.sort(EVENT_ORDER);

    CallGraph graph = CallGraph.of(ordered);
    long start = graph.start();
    long end = graph.end();
    List<Segment> segments = graph.segments();
    List<Gap> gaps = graph.gaps();
    List<LogEvent> kept =
        ordered.size() > maxTimelineEvents ? ordered.subList(0, maxTimelineEvents) : ordered;
    Timeline draft =
        new Timeline(
            traceId,
            revision,
            status,
            start,
            end,
            end - start,
            graph.entry(),
            graph.services(segments),
            segments,
            gaps,
            bottleneck(segments, gaps, end - start),
            List.of(),
            kept,
            Math.max(eventCount, ordered.size()),
            graph.edges());
    return draft.withFlags(flagRules.flags(draft, ordered));
  }

  /** The segment self time or gap with the largest share; segments win ties. */
  static Bottleneck bottleneck(List<Segment> segments, List<Gap> gaps, long duration) {
    Bottleneck best = null;
    for (Segment s : segments) {
      if (best == null || s.selfTimeMs() > best.durationMs()) {
        best =
            new Bottleneck(
                BottleneckKind.SEGMENT,
                s.service(),
                s.operation(),
                null,
                s.selfTimeMs(),
                share(s.selfTimeMs(), duration));
      }
    }
    for (Gap g : gaps) {
      if (best == null || g.durationMs() > best.durationMs()) {
        best =
            new Bottleneck(
                BottleneckKind.GAP,
                g.to(),
                g.operation(),
                g.from(),
                g.durationMs(),
                share(g.durationMs(), duration));
      }
    }
    return best;
  }

  private static double share(long part, long whole) {
    return whole <= 0 ? 0.0 : Math.min(1.0, (double) part / whole);
  }
}
