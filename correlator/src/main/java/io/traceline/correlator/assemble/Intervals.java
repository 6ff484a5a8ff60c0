package io.traceline.correlator.assemble;

import java.util.ArrayList;
import java.util.List;

/** Arithmetic on half-open time intervals {@code [from, to)} given as {@code long[2]}. Pure. */
final class Intervals {

  private Intervals() {}

  /** Total length covered by the intervals (overlaps counted once). Sorts the list in place. */
  static long unionLength(List<long[]> intervals) {
    long total = 0;
    for (long[] iv : union(intervals)) {
      total += iv[1] - iv[0];
    }
    return total;
  }

  /** {@code [from, to)} minus every interval of {@code holes}. Sorts {@code holes} in place. */
  static List<long[]> minus(long from, long to, List<long[]> holes) {
    List<long[]> rest = new ArrayList<>();
    long cursor = from;
    for (long[] hole : union(holes)) {
      if (hole[1] <= cursor) {
        continue;
      }
      if (hole[0] >= to) {
        break;
      }
      if (hole[0] > cursor) {
        rest.add(new long[] {cursor, hole[0]});
      }
      cursor = Math.max(cursor, hole[1]);
    }
    if (cursor < to) {
      rest.add(new long[] {cursor, to});
    }
    return rest;
  }

  /** The disjoint, ordered union of the non-empty intervals. Sorts the list in place. */
  private static List<long[]> union(List<long[]> intervals) {
    intervals.sort((a, b) -> Long.compare(a[0], b[0]));
    List<long[]> merged = new ArrayList<>();
    long[] current = null;
    for (long[] iv : intervals) {
      if (iv[1] <= iv[0]) {
        continue;
      }
      if (current == null || iv[0] > current[1]) {
        current = new long[] {iv[0], iv[1]};
        merged.add(current);
      } else {
        current[1] = Math.max(current[1], iv[1]);
      }
    }
    return merged;
  }
}
