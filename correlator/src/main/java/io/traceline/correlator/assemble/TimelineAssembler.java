package io.traceline.correlator.assemble;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Bottleneck;
import io.traceline.model.Timeline.BottleneckKind;
import io.traceline.model.Timeline.Edge;
import io.traceline.model.Timeline.Gap;
import io.traceline.model.Timeline.Hop;
import io.traceline.model.Timeline.Segment;
import io.traceline.model.TimelineStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles the events of one trace into a {@link Timeline}: events ordered by time, one segment
 * per service, the call structure between segments (who called whom), self time, the gaps no
 * service accounts for, the bottleneck and the flags.
 *
 * <p>Pure and thread-safe; knows nothing of Kafka. The call structure is inferred from the time
 * intervals the events cover (see {@link io.traceline.model.EventKind.Anchor}): a segment's caller
 * is the latest-starting segment that is still active when it starts, else the one that ran before
 * it. A gap runs from the caller's last line at or before the callee's start to the callee's first
 * instant.
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

    List<ServiceSpan> spans = ServiceSpan.of(ordered);
    long start = spans.stream().mapToLong(s -> s.start).min().orElseThrow();
    long end = spans.stream().mapToLong(s -> s.end).max().orElseThrow();

    CallTree tree = CallTree.infer(spans);
    List<Segment> segments = new ArrayList<>();
    for (ServiceSpan span : spans) {
      segments.add(span.toSegment(tree.childTime(span)));
    }
    List<Gap> gaps = tree.gaps();
    List<Edge> edges = tree.edges();
    ServiceSpan first = spans.get(0);
    Timeline.Bottleneck bottleneck = bottleneck(segments, gaps, end - start);
    List<String> services = new ArrayList<>();
    for (ServiceSpan span : spans) {
      services.add(span.service);
    }
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
            new Hop(first.service, first.operation),
            services,
            segments,
            gaps,
            bottleneck,
            List.of(),
            kept,
            Math.max(eventCount, ordered.size()),
            edges);
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

  /** The time one service covers within the trace, built from its events. */
  static final class ServiceSpan {
    final String service;
    final List<LogEvent> events = new ArrayList<>();
    String operation;
    boolean operationAuthoritative;
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int errors;
    boolean coldStart;

    ServiceSpan(String service) {
      this.service = service;
    }

    /** One span per service, ordered by start (then longest first, then name). */
    static List<ServiceSpan> of(List<LogEvent> ordered) {
      Map<String, ServiceSpan> byService = new LinkedHashMap<>();
      for (LogEvent e : ordered) {
        byService.computeIfAbsent(e.service(), ServiceSpan::new).add(e);
      }
      List<ServiceSpan> spans = new ArrayList<>(byService.values());
      spans.sort(
          Comparator.comparingLong((ServiceSpan s) -> s.start)
              .thenComparing(Comparator.comparingLong((ServiceSpan s) -> s.end).reversed())
              .thenComparing(s -> s.service));
      return spans;
    }

    private void add(LogEvent e) {
      events.add(e);
      start = Math.min(start, e.startTime() - initDuration(e));
      end = Math.max(end, e.endTime());
      if (e.isError()) {
        errors++;
      }
      if ("true".equals(e.attributes().get(LogEvent.COLD_START))) {
        coldStart = true;
      }
      if (e.operation() != null) {
        // Access logs and spans name the operation they served; other lines only hint at it.
        boolean authoritative = e.kind().anchor() == EventKind.Anchor.START;
        if (operation == null || (authoritative && !operationAuthoritative)) {
          operation = e.operation();
          operationAuthoritative = authoritative;
        }
      }
    }

    /**
     * The init phase a Lambda REPORT declares ({@code Init Duration}): it ran right before the
     * invocation, so the function's time starts that much earlier even when the INIT_START line
     * itself did not reach the trace.
     */
    private static long initDuration(LogEvent e) {
      String init = e.attributes().get(LogEvent.INIT_DURATION_MS);
      if (e.kind() != EventKind.LAMBDA_REPORT || init == null || e.durationMs() == null) {
        return 0;
      }
      try {
        return Math.max(0, Math.round(Double.parseDouble(init)));
      } catch (NumberFormatException notANumber) {
        return 0;
      }
    }

    long duration() {
      return end - start;
    }

    /** The caller's last point in time at or before {@code instant}: where a call left it. */
    long lastActivityAtOrBefore(long instant) {
      long last = start;
      for (LogEvent e : events) {
        if (e.timestamp() <= instant) {
          last = Math.max(last, e.timestamp());
        }
      }
      return Math.min(last, instant);
    }

    boolean activeAt(long instant) {
      return start <= instant && instant <= end;
    }

    Segment toSegment(long childTime) {
      long self = Math.max(0, Math.min(duration(), duration() - childTime));
      return new Segment(
          service, operation, start, end, duration(), self, events.size(), errors, coldStart, 1);
    }
  }
}
