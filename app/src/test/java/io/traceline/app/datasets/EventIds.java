package io.traceline.app.datasets;

/**
 * CloudWatch event ids for converted datasets: 56-digit decimal strings like CloudWatch's, counted
 * from 0, so that the lines and spans of one replay input never share an id. Not thread-safe.
 */
final class EventIds {

  private long next;

  /** The next id. */
  String next() {
    return String.format("%056d", next++);
  }
}
