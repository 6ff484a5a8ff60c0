package io.traceline.correlator.internals;

/**
 * The correlator's notion of "now" for one task: the highest event time seen, advanced by the
 * wall-clock time that passed since it last moved. Replayed history at full speed moves it with the
 * data (so replay closes traces exactly as live did); a quiet partition still moves it with the
 * wall clock (so its traces close on time).
 *
 * <p>It never goes backwards, and an event time more than {@code maxSkew} ahead of the wall clock
 * (a broken producer clock, a unit mistake) does not move it: one bad line must not close every
 * open trace of the task. Not thread-safe: owned by one processor.
 */
final class CorrelatorClock {

  private final long maxSkew;
  private long streamTime = Long.MIN_VALUE;
  private long wallAtAdvance;

  /** A clock ignoring event times more than {@code maxSkewMs} ahead of the wall clock. */
  CorrelatorClock(long maxSkewMs) {
    this.maxSkew = maxSkewMs;
  }

  /** Continues from a time saved before a restart; the wall clock counts from {@code wallNow}. */
  void restore(long savedNow, long wallNow) {
    if (savedNow > now(wallNow)) {
      streamTime = savedNow;
      wallAtAdvance = wallNow;
    }
  }

  /**
   * Records an event time; moves the clock forward when it is ahead of the clock.
   *
   * @return false when the event time was too far in the future to be trusted
   */
  boolean observe(long eventTime, long wallNow) {
    if (eventTime > wallNow + maxSkew) {
      return false;
    }
    if (eventTime > now(wallNow)) {
      streamTime = eventTime;
      wallAtAdvance = wallNow;
    }
    return true;
  }

  /** Whether any time was observed or restored (before that, nothing can be due). */
  boolean started() {
    return streamTime != Long.MIN_VALUE;
  }

  /** Current clock time: stream time plus the wall time since it last advanced. */
  long now(long wallNow) {
    if (!started()) {
      return Long.MIN_VALUE;
    }
    return streamTime + Math.max(0, wallNow - wallAtAdvance);
  }
}
