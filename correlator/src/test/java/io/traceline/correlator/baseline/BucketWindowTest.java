package io.traceline.correlator.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BucketWindowTest {

  private static final long MINUTE = 60_000;
  // 5 minute buckets, a 1 hour window, settled 5.5 minutes, kept 1 h 20.5 min past their end.
  private static final BucketWindow WINDOW =
      new BucketWindow(5 * MINUTE, 12, 330_000, 60 * MINUTE + 330_000 + 15 * MINUTE);

  @Test
  void aRequestIsLearnedIntoTheBucketOfItsStart() {
    assertThat(WINDOW.bucketOf(0)).isZero();
    assertThat(WINDOW.bucketOf(5 * MINUTE - 1)).isZero();
    assertThat(WINDOW.bucketOf(5 * MINUTE)).isEqualTo(1);
    assertThat(WINDOW.bucketOf(-1)).isEqualTo(-1);
    assertThat(WINDOW.windowMs()).isEqualTo(60 * MINUTE);
  }

  @Test
  void aRequestIsComparedWithTheWholeBucketsThatEndedTheSettleTimeBeforeIt() {
    long start = 100 * MINUTE + 20_000; // 1:40:20
    long last = WINDOW.lastBucketFor(start);
    // settled at 1:34:50: the bucket 1:30-1:35 may still learn requests that close after this
    // one, so the window ends at 1:30.
    assertThat(WINDOW.bucketStart(last + 1)).isEqualTo(90 * MINUTE);
    assertThat(WINDOW.bucketStart(WINDOW.firstBucketFor(start))).isEqualTo(30 * MINUTE);
    assertThat(last - WINDOW.firstBucketFor(start) + 1).isEqualTo(12);
    // A request of 1:35:30 is settled at 1:30:00 and sees the same window.
    assertThat(WINDOW.lastBucketFor(95 * MINUTE + 30_000)).isEqualTo(last);
    assertThat(WINDOW.lastBucketFor(95 * MINUTE + 29_999)).isEqualTo(last - 1);
    // The request's own bucket is never in its window.
    assertThat(WINDOW.lastBucketFor(start)).isLessThan(WINDOW.bucketOf(start));
  }

  @Test
  void bucketsExpireByTheClockOnlyWhenNoRequestClosingOnTimeNeedsThem() {
    long keep = WINDOW.keepMs();
    long bucket = 10; // 0:50 - 0:55
    long end = WINDOW.bucketStart(bucket + 1);
    assertThat(WINDOW.expiredBelow(end + keep - 1)).isLessThanOrEqualTo(bucket);
    assertThat(WINDOW.expiredBelow(end + keep)).isGreaterThan(bucket);
    // The latest request whose window still holds the bucket starts just before
    // end + window + settle; the bucket is kept past that.
    long lastUser = end + WINDOW.windowMs() + WINDOW.settleMs() - 1;
    assertThat(WINDOW.firstBucketFor(lastUser)).isLessThanOrEqualTo(bucket);
    assertThat(WINDOW.expiredBelow(lastUser)).isLessThanOrEqualTo(bucket);
    // A clock that has not started expires nothing.
    assertThat(WINDOW.expiredBelow(Long.MIN_VALUE)).isLessThan(-1_000_000_000_000L);
  }

  @Test
  void aWindowMustKeepItsBucketsAtLeastAsLongAsRequestsUseThem() {
    assertThatThrownBy(() -> new BucketWindow(MINUTE, 10, MINUTE, 10 * MINUTE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BucketWindow(0, 10, 0, 10 * MINUTE))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
