package io.traceline.correlator.internals;

/**
 * The correlator's notion of "now" for one task: the highest event time seen, advanced by the
 * wall-clock time that passed since it last moved. Replayed history at full speed moves it with the
 * data (so replay closes traces exactly as live did); a quiet partition still moves it with the
 * wall clock (so its traces close on time). Not thread-safe: owned by one processor.
 */
final class CorrelatorClock {

  private long streamTime = Long.MIN_VALUE;
  private long wallAtAdvance;

  /** Restores a stream time saved before a restart; the wall clock counts from {@code wallNow}. */
  void restore(long savedStreamTime, long wallNow) {
    if (savedStreamTime > streamTime) {
      streamTime = savedStreamTime;
      wallAtAdvance = wallNow;
    }
  }

  /** Records an event time; moves the clock forward when the event is newer than any seen. */
  void observe(long eventTime, long wallNow) {
    if (eventTime > streamTime) {
      streamTime = eventTime;
      wallAtAdvance = wallNow;
    }
  }

  /** Whether any event was observed (before that, nothing can be due). */
  boolean started() {
    return streamTime != Long.MIN_VALUE;
  }

  long streamTime() {
    return streamTime;
  }

  /** Current clock time: stream time plus the wall time since it last advanced. */
  long now(long wallNow) {
    if (!started()) {
      return Long.MIN_VALUE;
    }
    return streamTime + Math.max(0, wallNow - wallAtAdvance);
  }
}
