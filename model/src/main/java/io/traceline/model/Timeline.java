package io.traceline.model;

import java.util.List;
import java.util.Objects;

/**
 * One assembled request: the value of {@code traceline.timelines}, keyed by {@link #traceId()}.
 *
 * <p>Immutable and thread-safe. A trace may be emitted more than once: each emission carries a
 * higher {@link #revision()}, and consumers keep the highest (the OpenSearch sink uses it as the
 * external version).
 *
 * @param traceId canonical trace id, 32 lowercase hex
 * @param revision 1 for the first emission, n+1 for each revision after late events
 * @param status why the timeline was emitted in this state
 * @param startTime earliest instant any event covers, epoch ms
 * @param endTime latest instant any event covers, epoch ms
 * @param durationMs {@code endTime - startTime}
 * @param entry service and operation of the first hop
 * @param services services ordered by the start of their segments
 * @param segments one per service (with the operation it served): time span, self time, counts,
 *     cold start; a service called twice in one request has one segment covering both calls
 * @param gaps time between a caller and its callee that neither accounts for
 * @param bottleneck the segment or gap with the largest share of the request, or null
 * @param flags what is notable about this request
 * @param events the events, ordered by time; at most the correlator's per-trace bound
 * @param eventCount every distinct event seen for this trace, including those beyond the bound
 * @param edges caller to callee hops of this request
 */
public record Timeline(
    String traceId,
    int revision,
    TimelineStatus status,
    long startTime,
    long endTime,
    long durationMs,
    Hop entry,
    List<String> services,
    List<Segment> segments,
    List<Gap> gaps,
    Bottleneck bottleneck,
    List<Flag> flags,
    List<LogEvent> events,
    int eventCount,
    List<Edge> edges) {

  public Timeline {
    if (!TraceIds.isCanonical(traceId)) {
      throw new IllegalArgumentException("traceId must be 32 lowercase hex: " + traceId);
    }
    if (revision < 1) {
      throw new IllegalArgumentException("revision starts at 1: " + revision);
    }
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(entry, "entry");
    if (endTime < startTime || durationMs != endTime - startTime) {
      throw new IllegalArgumentException("inconsistent times " + startTime + ".." + endTime);
    }
    services = List.copyOf(services);
    segments = List.copyOf(segments);
    gaps = List.copyOf(gaps);
    flags = List.copyOf(flags);
    events = List.copyOf(events);
    edges = List.copyOf(edges);
    if (eventCount < events.size()) {
      throw new IllegalArgumentException("eventCount below the events kept");
    }
  }

  /** Whether this timeline carries a flag of the given type. */
  public boolean hasFlag(FlagType type) {
    return flags.stream().anyMatch(f -> f.type() == type);
  }

  /**
   * A service and the operation it served.
   *
   * @param service service name
   * @param operation route or handler, or null when unknown
   */
  public record Hop(String service, String operation) {
    public Hop {
      Objects.requireNonNull(service, "service");
    }
  }

  /**
   * The time one service (and operation) spent on the request.
   *
   * @param service service name
   * @param operation route or handler, or null
   * @param startTime first instant covered, epoch ms
   * @param endTime last instant covered, epoch ms
   * @param durationMs {@code endTime - startTime}
   * @param selfTimeMs duration minus the time covered by its callees
   * @param eventCount events of this segment
   * @param errorCount events of this segment that report an error
   * @param coldStart whether the segment paid a Lambda init phase
   */
  public record Segment(
      String service,
      String operation,
      long startTime,
      long endTime,
      long durationMs,
      long selfTimeMs,
      int eventCount,
      int errorCount,
      boolean coldStart) {
    public Segment {
      Objects.requireNonNull(service, "service");
      if (endTime < startTime || durationMs != endTime - startTime) {
        throw new IllegalArgumentException("inconsistent segment times");
      }
      if (selfTimeMs < 0 || selfTimeMs > durationMs) {
        throw new IllegalArgumentException("self time outside [0, duration]: " + selfTimeMs);
      }
    }
  }

  /**
   * Time between a caller's last line before a call and the callee's first line: network delay,
   * queueing, or time that neither service logs.
   *
   * @param from calling service
   * @param to called service
   * @param startTime start of the unaccounted time, epoch ms
   * @param endTime end of the unaccounted time, epoch ms
   * @param durationMs {@code endTime - startTime}
   */
  public record Gap(String from, String to, long startTime, long endTime, long durationMs) {
    public Gap {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (endTime < startTime || durationMs != endTime - startTime) {
        throw new IllegalArgumentException("inconsistent gap times");
      }
    }
  }

  /** Whether a bottleneck is a segment's own time or a gap between two services. */
  public enum BottleneckKind {
    SEGMENT,
    GAP
  }

  /**
   * The part of the request with the largest share of its duration.
   *
   * @param kind segment self time or gap
   * @param service the segment's service, or for a gap the called service
   * @param from for a gap, the calling service; null for a segment
   * @param durationMs the time of that part
   * @param share {@code durationMs / request duration}, in [0, 1]
   */
  public record Bottleneck(
      BottleneckKind kind, String service, String from, long durationMs, double share) {
    public Bottleneck {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(service, "service");
    }
  }

  /**
   * One notable thing about the request.
   *
   * @param type what kind of finding
   * @param service the service it concerns, or null for the whole request
   * @param observed the observed value (ms for latencies), or null
   * @param threshold the static threshold or learned baseline it was compared with, or null
   * @param reason a human-readable why, one line
   */
  public record Flag(
      FlagType type, String service, Double observed, Double threshold, String reason) {
    public Flag {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A caller to callee hop within this request.
   *
   * @param from calling service
   * @param to called service
   * @param durationMs the callee segment's duration
   * @param error whether the callee reported an error
   */
  public record Edge(String from, String to, long durationMs, boolean error) {
    public Edge {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }
}
