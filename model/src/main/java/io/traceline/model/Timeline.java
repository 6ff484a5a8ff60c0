package io.traceline.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param segments one per service and operation: time span, self time, counts, cold start; an
 *     operation called twice in one request has one segment covering both calls
 * @param gaps time between a caller and its callee that neither accounts for, one per call side
 * @param bottleneck the segment or gap with the largest share of the request, or null
 * @param flags what is notable about this request
 * @param events the events, ordered by time; at most the correlator's per-trace bound
 * @param eventCount every distinct event seen for this trace, including those beyond the bound
 * @param edges caller to callee calls of this request, one per call, in call order
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

  /** This timeline with {@code flags} instead of its own. */
  public Timeline withFlags(List<Flag> flags) {
    return new Timeline(
        traceId,
        revision,
        status,
        startTime,
        endTime,
        durationMs,
        entry,
        services,
        segments,
        gaps,
        bottleneck,
        flags,
        events,
        eventCount,
        edges);
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
   * The time one service spent on one operation of the request.
   *
   * @param service service name
   * @param operation route, handler or span name, or null
   * @param startTime first instant covered, epoch ms
   * @param endTime last instant covered, epoch ms
   * @param durationMs {@code endTime - startTime}
   * @param selfTimeMs time within its calls not spent in callees or getting to them
   * @param eventCount events of this segment
   * @param errorCount events of this segment that report an error
   * @param coldStart whether the segment paid a Lambda init phase
   * @param calls how many calls of this service and operation the request made (at least 1)
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
      boolean coldStart,
      int calls) {
    public Segment {
      Objects.requireNonNull(service, "service");
      if (endTime < startTime || durationMs != endTime - startTime) {
        throw new IllegalArgumentException("inconsistent segment times");
      }
      if (selfTimeMs < 0 || selfTimeMs > durationMs) {
        throw new IllegalArgumentException("self time outside [0, duration]: " + selfTimeMs);
      }
      if (calls < 1) {
        throw new IllegalArgumentException("a segment has at least one call: " + calls);
      }
    }

    /** The hop this segment is: its service and operation. */
    @JsonIgnore
    public Hop hop() {
      return new Hop(service, operation);
    }
  }

  /**
   * Time between a caller's last line before a call and the callee's first line: network delay,
   * queueing, or time that neither service logs.
   *
   * @param from calling service
   * @param to called service
   * @param operation the called operation, or null if unknown
   * @param startTime start of the unaccounted time, epoch ms
   * @param endTime end of the unaccounted time, epoch ms
   * @param durationMs {@code endTime - startTime}
   */
  public record Gap(
      String from, String to, String operation, long startTime, long endTime, long durationMs) {
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
   * @param operation the segment's operation, or for a gap the called operation; null if unknown
   * @param from for a gap, the calling service; null for a segment
   * @param durationMs the time of that part
   * @param share {@code durationMs / request duration}, in [0, 1]
   */
  public record Bottleneck(
      BottleneckKind kind,
      String service,
      String operation,
      String from,
      long durationMs,
      double share) {
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
   * @param operation the operation it concerns (the hop of a SEGMENT_OUTLIER or MISSING_HOP, the
   *     route of a LATENCY_OUTLIER), or null
   * @param observed the observed value (ms for latencies), or null
   * @param threshold the static threshold or the learned baseline value it was compared with, or
   *     null
   * @param quantile for a learned baseline, the quantile {@code threshold} is (0.99 for p99), else
   *     null
   * @param ratio {@code observed / threshold} when both are known and the threshold is positive,
   *     else null
   * @param reason a human-readable why, one line
   */
  public record Flag(
      FlagType type,
      String service,
      String operation,
      Double observed,
      Double threshold,
      Double quantile,
      Double ratio,
      String reason) {
    public Flag {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(reason, "reason");
      if (quantile != null && !(quantile > 0 && quantile < 1)) {
        throw new IllegalArgumentException("quantile outside (0, 1): " + quantile);
      }
    }

    /** A flag against a static threshold or none: no operation, quantile or ratio. */
    public Flag(FlagType type, String service, Double observed, Double threshold, String reason) {
      this(type, service, null, observed, threshold, null, ratio(observed, threshold), reason);
    }

    /**
     * {@code observed / threshold}, or null when either is unknown or the threshold not positive.
     */
    public static Double ratio(Double observed, Double threshold) {
      if (observed == null || threshold == null || !(threshold > 0)) {
        return null;
      }
      return observed / threshold;
    }
  }

  /**
   * One call from a caller to a callee within this request.
   *
   * @param from calling service
   * @param to called service
   * @param operation the called operation, or null if unknown
   * @param startTime when the call started (the caller's client span, else the callee's start),
   *     epoch ms
   * @param durationMs the call's latency as the caller saw it when known (client span), else the
   *     callee's own duration
   * @param error whether the call failed (the callee reported an error)
   */
  public record Edge(
      String from, String to, String operation, long startTime, long durationMs, boolean error) {
    public Edge {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (durationMs < 0) {
        throw new IllegalArgumentException("negative call duration: " + durationMs);
      }
    }
  }
}
