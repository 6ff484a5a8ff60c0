package io.traceline.app.bench;

import java.util.Arrays;

/**
 * Exact order statistics of a sample of latencies, in milliseconds: nearest rank on the sorted
 * sample (the p-th percentile is the smallest value with at least p% of the sample at or below it).
 * No sketch: a sample of a few thousand values is sorted in microseconds. Immutable.
 *
 * @param count values in the sample
 * @param min smallest
 * @param p50 median
 * @param p99 99th percentile
 * @param max largest
 */
record Latencies(int count, long min, long p50, long p99, long max) {

  /**
   * The statistics of {@code values} (not modified).
   *
   * @throws IllegalArgumentException when {@code values} is empty
   */
  static Latencies of(long[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no latencies");
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Latencies(
        sorted.length, sorted[0], rank(sorted, 50), rank(sorted, 99), sorted[sorted.length - 1]);
  }

  /** The nearest-rank {@code percent}-th percentile of a sorted, non-empty array. */
  static long rank(long[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
