package io.traceline.correlator.baseline;

/**
 * The time arithmetic of the baselines: which bucket a request is learned into, which buckets form
 * the window a request is compared with, and when a bucket may be deleted. Everything is on event
 * time or the correlator's clock, never the wall clock, so replay decides as live did. Immutable
 * and thread-safe.
 *
 * <p>A request is learned into the bucket of its start time. It is compared with the {@code
 * buckets} whole buckets that ended at least {@code settleMs} before its start: the requests of
 * those buckets closed (and were learned) before this one closes, whether the correlator runs live
 * or replays at full speed, so the baseline a request sees does not depend on the order in which
 * nearly simultaneous requests happen to close. With {@code settleMs} at the longest a request may
 * stay open ({@code maxTraceAge + inactivityGap}) that holds for every request delivered within
 * twice the inactivity gap.
 *
 * @param bucketMs width of a bucket in ms
 * @param buckets buckets in the window ({@code window / bucket})
 * @param settleMs how long before a request's start the window ends
 * @param keepMs how long past its end a bucket is kept, on the correlator's clock: at least {@code
 *     settleMs} plus the window, more to serve requests whose events arrive late
 */
public record BucketWindow(long bucketMs, int buckets, long settleMs, long keepMs) {

  public BucketWindow {
    if (bucketMs < 1 || buckets < 1 || settleMs < 0) {
      throw new IllegalArgumentException(
          "bad window: " + buckets + " buckets of " + bucketMs + " ms, settle " + settleMs);
    }
    if (keepMs < settleMs + bucketMs * buckets) {
      throw new IllegalArgumentException("buckets must be kept at least settle + window");
    }
  }

  /** The window's length in ms. */
  public long windowMs() {
    return bucketMs * buckets;
  }

  /** The bucket a request starting at {@code startTime} is learned into. */
  public long bucketOf(long startTime) {
    return Math.floorDiv(startTime, bucketMs);
  }

  /** When bucket {@code bucket} starts, epoch ms. */
  public long bucketStart(long bucket) {
    return bucket * bucketMs;
  }

  /** The newest bucket of the window a request starting at {@code startTime} is compared with. */
  public long lastBucketFor(long startTime) {
    return Math.floorDiv(saturatedMinus(startTime, settleMs), bucketMs) - 1;
  }

  /** The oldest bucket of that window. */
  public long firstBucketFor(long startTime) {
    return lastBucketFor(startTime) - buckets + 1;
  }

  /** Buckets before this one may be deleted when the correlator's clock is at {@code now}. */
  public long expiredBelow(long now) {
    return Math.floorDiv(saturatedMinus(now, keepMs), bucketMs);
  }

  private static long saturatedMinus(long a, long b) {
    long r = a - b;
    return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
  }
}
