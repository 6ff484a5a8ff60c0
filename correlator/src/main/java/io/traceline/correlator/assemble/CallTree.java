package io.traceline.correlator.assemble;

import io.traceline.correlator.assemble.TimelineAssembler.ServiceSpan;
import io.traceline.model.Timeline.Edge;
import io.traceline.model.Timeline.Gap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who called whom within one trace, inferred from the time each service covers. Logs carry no call
 * structure, so the rule is temporal: the caller of a segment is the latest-starting segment still
 * active when it starts (the innermost enclosing one), else the segment that ended last before it
 * (a hand-off, e.g. through a queue), else the first segment.
 */
final class CallTree {

  private final List<ServiceSpan> spans;
  private final IdentityHashMap<ServiceSpan, ServiceSpan> callerOf = new IdentityHashMap<>();

  private CallTree(List<ServiceSpan> spans) {
    this.spans = spans;
  }

  /** Infers the tree; {@code spans} are ordered by start as {@link ServiceSpan#of} returns. */
  static CallTree infer(List<ServiceSpan> spans) {
    CallTree tree = new CallTree(spans);
    for (int i = 1; i < spans.size(); i++) {
      ServiceSpan child = spans.get(i);
      tree.callerOf.put(child, caller(spans.subList(0, i), child));
    }
    return tree;
  }

  private static ServiceSpan caller(List<ServiceSpan> earlier, ServiceSpan child) {
    ServiceSpan enclosing = null;
    ServiceSpan before = null;
    for (ServiceSpan candidate : earlier) {
      if (candidate.activeAt(child.start)) {
        if (enclosing == null || candidate.start >= enclosing.start) {
          enclosing = candidate;
        }
      } else if (before == null || candidate.end >= before.end) {
        before = candidate;
      }
    }
    if (enclosing != null) {
      return enclosing;
    }
    return before != null ? before : earlier.get(0);
  }

  /** Where the call into {@code child} left its caller: the caller's last line before it. */
  private long callStart(ServiceSpan child) {
    ServiceSpan caller = callerOf.get(child);
    return caller.lastActivityAtOrBefore(child.start);
  }

  /**
   * Time of {@code span} spent in its callees or in getting to them (the gaps), as the length of
   * the union of those intervals clipped to the span.
   */
  long childTime(ServiceSpan span) {
    List<long[]> intervals = new ArrayList<>();
    for (Map.Entry<ServiceSpan, ServiceSpan> e : callerOf.entrySet()) {
      if (e.getValue() == span) {
        ServiceSpan child = e.getKey();
        long from = Math.max(span.start, Math.min(callStart(child), child.start));
        long to = Math.min(span.end, child.end);
        if (to > from) {
          intervals.add(new long[] {from, to});
        }
      }
    }
    return unionLength(intervals);
  }

  static long unionLength(List<long[]> intervals) {
    intervals.sort((a, b) -> Long.compare(a[0], b[0]));
    long total = 0;
    long curStart = Long.MIN_VALUE;
    long curEnd = Long.MIN_VALUE;
    for (long[] iv : intervals) {
      if (iv[0] > curEnd) {
        if (curEnd > curStart) {
          total += curEnd - curStart;
        }
        curStart = iv[0];
        curEnd = iv[1];
      } else {
        curEnd = Math.max(curEnd, iv[1]);
      }
    }
    if (curEnd > curStart) {
      total += curEnd - curStart;
    }
    return total;
  }

  /** Unaccounted time between each caller's last line and its callee's start, in span order. */
  List<Gap> gaps() {
    List<Gap> gaps = new ArrayList<>();
    for (ServiceSpan child : spans) {
      ServiceSpan caller = callerOf.get(child);
      if (caller == null) {
        continue;
      }
      long from = callStart(child);
      if (child.start > from) {
        gaps.add(
            new Gap(
                caller.service,
                child.service,
                child.operation,
                from,
                child.start,
                child.start - from));
      }
    }
    return gaps;
  }

  /** One edge per callee, in span order. */
  List<Edge> edges() {
    List<Edge> edges = new ArrayList<>();
    for (ServiceSpan child : spans) {
      ServiceSpan caller = callerOf.get(child);
      if (caller != null) {
        edges.add(
            new Edge(
                caller.service,
                child.service,
                child.operation,
                child.start,
                child.duration(),
                child.errors > 0));
      }
    }
    return edges;
  }
}
