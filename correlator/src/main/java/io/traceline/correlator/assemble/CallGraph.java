package io.traceline.correlator.assemble;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline.Edge;
import io.traceline.model.Timeline.Gap;
import io.traceline.model.Timeline.Hop;
import io.traceline.model.Timeline.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Who called whom within one trace, and where its time went.
 *
 * <p>The graph's nodes are calls: one per span record, and one per service for the lines that
 * belong to no span (logs carry no call structure). Log lines join the span they name ({@code
 * spanId}), else the innermost span of their service that covers them, else their service's node. A
 * node's caller is its parent span when the ids say so (a server span's parent is usually the
 * client span of the caller); otherwise the rule is temporal: the latest-starting node still active
 * when it starts (the innermost enclosing one), else the node that ended last before it (a
 * hand-off, e.g. through a queue).
 *
 * <p>A client or producer span with a callee in another service is the call itself, not a segment:
 * its time is the caller waiting, and what the callee does not cover of it (before the callee
 * starts, after it ends) is a gap: network, queueing, time no service logs. Without a client span,
 * a gap runs from the caller's last line before the call to the callee's start. A client span
 * without a traced callee is the callee itself when it names its peer ({@code peerService}: a
 * database, an outside API), else time its own service spent waiting.
 *
 * <p>Segments group the nodes by service and operation; a segment's self time is the time within
 * its nodes not spent in callees or in getting to them. Not thread-safe; built and read by one
 * assembly.
 */
final class CallGraph {

  /** Orders nodes by start, longest first, then by name: callers before their callees. */
  private static final Comparator<Node> NODE_ORDER =
      Comparator.comparingLong((Node n) -> n.start)
          .thenComparing(Comparator.comparingLong((Node n) -> n.end).reversed())
          .thenComparing(n -> n.service)
          .thenComparing(n -> n.operation == null ? "" : n.operation);

  private final List<Node> nodes;
  private final Map<Node, Node> callerOf = new HashMap<>();
  private final Map<Node, Node> viaOf = new HashMap<>();

  private CallGraph(List<Node> nodes) {
    this.nodes = nodes;
  }

  /**
   * Builds the graph of one trace from its events, ordered by {@link
   * TimelineAssembler#EVENT_ORDER}.
   */
  static CallGraph of(List<LogEvent> ordered) {
    List<Node> spans = new ArrayList<>();
    Map<String, List<Node>> bySpanId = new HashMap<>();
    for (LogEvent e : ordered) {
      if (e.kind() == EventKind.SPAN && e.spanId() != null) {
        Node span = Node.span(e);
        spans.add(span);
        bySpanId.computeIfAbsent(e.spanId(), id -> new ArrayList<>()).add(span);
      }
    }
    inferClientSpans(spans, bySpanId);
    for (Node n : spans) {
      markCallee(n, bySpanId);
    }
    for (Node n : spans) {
      n.becomePeerIfLeafClient();
    }
    Map<String, Node> serviceNodes = new LinkedHashMap<>();
    for (LogEvent e : ordered) {
      if (e.kind() == EventKind.SPAN && e.spanId() != null) {
        continue;
      }
      Node home = spanOf(e, bySpanId, spans);
      if (home == null) {
        home = serviceNodes.computeIfAbsent(e.service(), Node::lines);
        home.cover(e);
      }
      home.add(e);
    }
    List<Node> nodes = new ArrayList<>(spans);
    nodes.addAll(serviceNodes.values());
    nodes.sort(NODE_ORDER);
    CallGraph graph = new CallGraph(nodes);
    graph.link(bySpanId);
    return graph;
  }

  /**
   * Span records that say no kind (some exporters omit it) are client spans when their shape says
   * so: the parent is in the span's own service and every child is in another one. A server span is
   * never taken for one, because its parent is its caller's (another service) or it has none.
   */
  private static void inferClientSpans(List<Node> spans, Map<String, List<Node>> bySpanId) {
    Map<String, List<Node>> childrenOf = new HashMap<>();
    for (Node n : spans) {
      if (n.parentSpanId != null) {
        childrenOf.computeIfAbsent(n.parentSpanId, id -> new ArrayList<>()).add(n);
      }
    }
    for (Node n : spans) {
      if (n.kind != SpanKind.UNSPECIFIED || n.parentSpanId == null) {
        continue;
      }
      boolean parentInService =
          bySpanId.getOrDefault(n.parentSpanId, List.of()).stream()
              .anyMatch(p -> p.service.equals(n.service));
      List<Node> children = childrenOf.getOrDefault(n.spanId, List.of());
      boolean callsOut =
          !children.isEmpty() && children.stream().noneMatch(c -> c.service.equals(n.service));
      if (parentInService && callsOut) {
        n.kind = SpanKind.CLIENT;
      }
    }
  }

  /** Marks the client span that called {@code callee} in another service, by the ids. */
  private static void markCallee(Node callee, Map<String, List<Node>> bySpanId) {
    if (callee.kind == SpanKind.SERVER || callee.kind == SpanKind.CONSUMER) {
      for (Node twin : bySpanId.getOrDefault(callee.spanId, List.of())) {
        twin.markCalleeIn(callee);
      }
    }
    if (callee.parentSpanId != null) {
      for (Node parent : bySpanId.getOrDefault(callee.parentSpanId, List.of())) {
        parent.markCalleeIn(callee);
      }
    }
  }

  /**
   * The span a line belongs to: the one it names, else the innermost of its service covering it.
   */
  private static Node spanOf(LogEvent e, Map<String, List<Node>> bySpanId, List<Node> spans) {
    if (e.spanId() != null) {
      for (Node span : bySpanId.getOrDefault(e.spanId(), List.of())) {
        if (span.service.equals(e.service()) && !span.isCall()) {
          return span;
        }
      }
    }
    Node innermost = null;
    for (Node span : spans) {
      if (span.service.equals(e.service())
          && span.start <= e.timestamp()
          && e.timestamp() <= span.end
          && (innermost == null || span.start >= innermost.start)) {
        innermost = span;
      }
    }
    return innermost;
  }

  /** Sets each node's parent: by span ids where they say, by time where they do not. */
  private void link(Map<String, List<Node>> bySpanId) {
    Map<Node, Node> parentOf = new HashMap<>();
    for (Node n : nodes) {
      Node parent = idParent(n, bySpanId);
      if (parent != null && !isAncestor(n, parent, parentOf)) {
        parentOf.put(n, parent);
      }
    }
    for (int i = 1; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (!parentOf.containsKey(n)) {
        Node parent = temporalParent(nodes.subList(0, i), n, parentOf);
        if (parent != null) {
          parentOf.put(n, parent);
        }
      }
    }
    for (Map.Entry<Node, Node> e : parentOf.entrySet()) {
      e.getValue().markCalleeIn(e.getKey()); // a client span around a service's span-less lines
    }
    for (Node n : nodes) {
      Node parent = parentOf.get(n);
      if (n.isCall() && (parent == null || !parent.service.equals(n.service))) {
        // Its own service sent no span around it (a root client, a parent span that never came):
        // the client span is then that service's only time in the trace, its segment.
        n.hasCallee = false;
      }
    }
    for (Node n : nodes) {
      if (n.isCall()) {
        continue;
      }
      Node via = null;
      Node up = parentOf.get(n);
      while (up != null && up.isCall()) {
        via = via == null ? up : via; // the innermost client span is the call
        up = parentOf.get(up);
      }
      if (up != null) {
        callerOf.put(n, up);
        if (via != null) {
          viaOf.put(n, via);
        }
      }
    }
  }

  private static Node idParent(Node n, Map<String, List<Node>> bySpanId) {
    if (n.spanId == null) {
      return null;
    }
    if (n.kind == SpanKind.SERVER || n.kind == SpanKind.CONSUMER) {
      // Zipkin's shared spans: the server half has the id of the client half that called it.
      for (Node twin : bySpanId.getOrDefault(n.spanId, List.of())) {
        if (twin != n && twin.isCall()) {
          return twin;
        }
      }
    }
    if (n.parentSpanId == null) {
      return null;
    }
    // Span ids are unique but for Zipkin's shared spans, where the children of the id run in the
    // server half: prefer it over the client half.
    Node any = null;
    for (Node candidate : bySpanId.getOrDefault(n.parentSpanId, List.of())) {
      if (!candidate.isCall()) {
        return candidate;
      }
      any = any == null ? candidate : any;
    }
    return any;
  }

  private static Node temporalParent(List<Node> earlier, Node child, Map<Node, Node> parentOf) {
    Node enclosing = null;
    Node before = null;
    for (Node candidate : earlier) {
      if (isAncestor(child, candidate, parentOf)) {
        continue;
      }
      if (candidate.start <= child.start && child.start <= candidate.end) {
        if (enclosing == null || candidate.start >= enclosing.start) {
          enclosing = candidate;
        }
      } else if (before == null || candidate.end >= before.end) {
        before = candidate;
      }
    }
    // Null only when every earlier node descends from the child: linking would loop.
    return enclosing != null ? enclosing : before;
  }

  /** Whether {@code node} is {@code candidate} or one of its ancestors (linking would loop). */
  private static boolean isAncestor(Node node, Node candidate, Map<Node, Node> parentOf) {
    for (Node up = candidate; up != null; up = parentOf.get(up)) {
      if (up == node) {
        return true;
      }
    }
    return false;
  }

  /** The node of the request's first hop: the first node without a caller. */
  Hop entry() {
    for (Node n : nodes) {
      if (!n.isCall() && !callerOf.containsKey(n)) {
        return new Hop(n.service, n.operation);
      }
    }
    Node first = nodes.get(0);
    return new Hop(first.service, first.operation);
  }

  /** Earliest instant any node covers. */
  long start() {
    return nodes.stream().mapToLong(n -> n.start).min().orElseThrow();
  }

  /** Latest instant any node covers. */
  long end() {
    return nodes.stream().mapToLong(n -> n.end).max().orElseThrow();
  }

  /** One segment per service and operation, ordered by start (then longest first, then name). */
  List<Segment> segments() {
    Map<Hop, List<Node>> byHop = new LinkedHashMap<>();
    for (Node n : nodes) {
      if (!n.isCall()) {
        byHop.computeIfAbsent(new Hop(n.service, n.operation), h -> new ArrayList<>()).add(n);
      }
    }
    List<Segment> segments = new ArrayList<>();
    for (Map.Entry<Hop, List<Node>> e : byHop.entrySet()) {
      segments.add(segment(e.getKey(), e.getValue()));
    }
    segments.sort(
        Comparator.comparingLong(Segment::startTime)
            .thenComparing(Comparator.comparingLong(Segment::durationMs).reversed())
            .thenComparing(Segment::service)
            .thenComparing(s -> s.operation() == null ? "" : s.operation()));
    return segments;
  }

  private Segment segment(Hop hop, List<Node> calls) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int events = 0;
    int errors = 0;
    boolean coldStart = false;
    List<long[]> self = new ArrayList<>();
    for (Node n : calls) {
      start = Math.min(start, n.start);
      end = Math.max(end, n.end);
      events += n.events.size();
      errors += n.errors;
      coldStart |= n.coldStart;
      self.addAll(Intervals.minus(n.start, n.end, childIntervals(n)));
    }
    long selfTime = Math.min(end - start, Intervals.unionLength(self));
    return new Segment(
        hop.service(),
        hop.operation(),
        start,
        end,
        end - start,
        selfTime,
        events,
        errors,
        coldStart,
        calls.size());
  }

  /** The time {@code caller} spent in each of its calls: the client span, else gap + callee. */
  private List<long[]> childIntervals(Node caller) {
    List<long[]> intervals = new ArrayList<>();
    for (Node child : nodes) {
      if (callerOf.get(child) != caller) {
        continue;
      }
      Node via = viaOf.get(child);
      if (via != null) {
        intervals.add(new long[] {via.start, via.end});
        intervals.add(new long[] {child.start, child.end});
      } else {
        intervals.add(new long[] {Math.min(callStart(caller, child), child.start), child.end});
      }
    }
    return intervals;
  }

  /**
   * Where a call without a client span left its caller: the caller's last line at or before the
   * callee's start; for a span without such a line, the callee's start (no gap is known).
   */
  private static long callStart(Node caller, Node child) {
    long last = caller.spanId == null ? caller.start : Long.MIN_VALUE;
    for (LogEvent e : caller.events) {
      if (e.kind() != EventKind.SPAN && e.timestamp() <= child.start) {
        last = Math.max(last, e.timestamp());
      }
    }
    return last == Long.MIN_VALUE ? child.start : Math.min(last, child.start);
  }

  /** Unaccounted time of each call into another service, in the order of the callees. */
  List<Gap> gaps() {
    List<Gap> gaps = new ArrayList<>();
    for (Node child : nodes) {
      Node caller = callerOf.get(child);
      if (caller == null || caller.service.equals(child.service)) {
        continue;
      }
      Node via = viaOf.get(child);
      if (via != null) {
        addGap(gaps, caller, child, via.start, Math.min(child.start, via.end));
        addGap(gaps, caller, child, Math.max(child.end, via.start), via.end);
      } else {
        addGap(gaps, caller, child, callStart(caller, child), child.start);
      }
    }
    return gaps;
  }

  private static void addGap(List<Gap> gaps, Node caller, Node child, long from, long to) {
    if (to > from) {
      gaps.add(new Gap(caller.service, child.service, child.operation, from, to, to - from));
    }
  }

  /** One edge per call into another service, in call order. */
  List<Edge> edges() {
    List<Edge> edges = new ArrayList<>();
    for (Node child : nodes) {
      Node caller = callerOf.get(child);
      if (caller == null || caller.service.equals(child.service)) {
        continue;
      }
      Node via = viaOf.get(child);
      long start = via != null ? via.start : child.start;
      long duration = via != null ? via.end - via.start : child.end - child.start;
      boolean error = child.errors > 0 || (via != null && via.errors > 0);
      edges.add(new Edge(caller.service, child.service, child.operation, start, duration, error));
    }
    edges.sort(
        Comparator.comparingLong(Edge::startTime)
            .thenComparing(Edge::from)
            .thenComparing(Edge::to));
    return edges;
  }

  /** Services in the order of their first segment. */
  List<String> services(List<Segment> segments) {
    List<String> services = new ArrayList<>();
    for (Segment s : segments) {
      if (!services.contains(s.service())) {
        services.add(s.service());
      }
    }
    return services;
  }

  /** The role a span plays in a call (OpenTelemetry and Zipkin span kinds). */
  enum SpanKind {
    SERVER,
    CLIENT,
    PRODUCER,
    CONSUMER,
    INTERNAL,
    /** A span record that says no kind (or one not known here). */
    UNSPECIFIED,
    /** Not a span: the lines one service wrote that belong to no span. */
    LINES;

    static SpanKind of(String value) {
      if (value == null) {
        return UNSPECIFIED;
      }
      String name = value.trim().toUpperCase(Locale.ROOT);
      if (name.startsWith("SPAN_KIND_")) {
        name = name.substring("SPAN_KIND_".length());
      }
      for (SpanKind kind : values()) {
        if (kind != LINES && kind.name().equals(name)) {
          return kind;
        }
      }
      return UNSPECIFIED;
    }
  }

  /** One call: a span, or the span-less lines of one service. */
  static final class Node {
    String service;
    String operation;
    private boolean operationAuthoritative;
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    final String spanId;
    final String parentSpanId;
    SpanKind kind;
    private final String peer;
    final List<LogEvent> events = new ArrayList<>();
    int errors;
    boolean coldStart;
    private boolean hasCallee;

    private Node(String service, String spanId, String parentSpanId, SpanKind kind, String peer) {
      this.service = service;
      this.spanId = spanId;
      this.parentSpanId = parentSpanId;
      this.kind = kind;
      this.peer = peer;
    }

    static Node span(LogEvent e) {
      Node n =
          new Node(
              e.service(),
              e.spanId(),
              e.parentSpanId(),
              SpanKind.of(e.attributes().get(LogEvent.SPAN_KIND)),
              e.attributes().get(LogEvent.PEER_SERVICE));
      n.start = e.startTime();
      n.end = Math.max(e.startTime(), e.endTime());
      n.operation = e.operation();
      n.operationAuthoritative = true;
      n.add(e);
      return n;
    }

    static Node lines(String service) {
      return new Node(service, null, null, SpanKind.LINES, null);
    }

    /** Whether this node is a call into another service rather than time of its own service. */
    boolean isCall() {
      return (kind == SpanKind.CLIENT || kind == SpanKind.PRODUCER) && hasCallee;
    }

    /** Widens a span-less node to cover the event (with a Lambda's init phase before it). */
    void cover(LogEvent e) {
      start = Math.min(start, e.startTime() - initDuration(e));
      end = Math.max(end, e.endTime());
    }

    void add(LogEvent e) {
      events.add(e);
      if (e.isError()) {
        errors++;
      }
      if ("true".equals(e.attributes().get(LogEvent.COLD_START))) {
        coldStart = true;
      }
      if (e.operation() != null && !operationAuthoritative) {
        // Access logs and spans name the operation they served; other lines only hint at it.
        boolean authoritative = e.kind().anchor() == EventKind.Anchor.START;
        if (operation == null || authoritative) {
          operation = e.operation();
          operationAuthoritative = authoritative;
        }
      }
    }

    /** Notes that {@code callee} was called through this span, if it is a client span. */
    void markCalleeIn(Node callee) {
      if (callee != this
          && (kind == SpanKind.CLIENT || kind == SpanKind.PRODUCER)
          && !callee.service.equals(service)) {
        hasCallee = true;
      }
    }

    /**
     * A client span whose callee sent no span of its own: when it names the peer, the peer's
     * segment (a database, an outside API), seen from the caller.
     */
    void becomePeerIfLeafClient() {
      if (kind == SpanKind.CLIENT && !hasCallee && peer != null && !peer.equals(service)) {
        service = peer;
        kind = SpanKind.SERVER;
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

    @Override
    public String toString() {
      return service
          + (operation == null ? "" : " " + operation)
          + " ["
          + start
          + ", "
          + end
          + "]"
          + Objects.toString(spanId, "");
    }
  }
}
