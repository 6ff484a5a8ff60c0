package io.traceline.correlator.internals;

import io.traceline.correlator.CorrelatorSettings;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The correlator's notion of "now" for one task: the highest event time seen, advanced by the
 * wall-clock time that passed since it last moved. Replayed history at full speed moves it with the
 * data (so replay closes traces exactly as live did); a quiet partition still moves it with the
 * wall clock (so its traces close on time).
 *
 * <p>It never goes backwards, and an event moves it at most to the time the event was ingested plus
 * {@code maxSkew}: a line from a host whose clock runs ahead, or a timestamp in the wrong unit,
 * must not close every open trace of the task. The bound depends only on the record (its event time
 * and ingestion time), so replay decides as live did. Not thread-safe: owned by one processor.
 */
final class CorrelatorClock {

  /** The key under which a processor saves its clock in one of its stores. */
  static final String STORE_KEY = "~clock";

  private final long maxSkew;
  private long streamTime = Long.MIN_VALUE;
  private long wallAtAdvance;

  /** A clock that trusts event times up to {@code maxSkewMs} past their ingestion. */
  CorrelatorClock(long maxSkewMs) {
    this.maxSkew = maxSkewMs;
  }

  /**
   * The clock of a task of a correlator with {@code settings}, continuing from the time {@link
   * #save}d in {@code store} before a restart or a move, if any; the wall clock counts from {@code
   * wallNow}. Processors build it in {@code init}: Streams may init a processor again (a revived
   * task), so it starts from the store, not the heap.
   */
  static CorrelatorClock restoredFrom(
      KeyValueStore<String, byte[]> store, CorrelatorSettings settings, long wallNow) {
    CorrelatorClock clock =
        new CorrelatorClock(
            Math.min(settings.maxClockSkew().toMillis(), settings.inactivityGap().toMillis()));
    byte[] saved = store.get(STORE_KEY);
    if (saved != null) {
      clock.restore(ByteBuffer.wrap(saved).getLong(), wallNow);
    }
    return clock;
  }

  /** Saves the clock's time at {@code wallNow} in {@code store} and returns it. */
  long save(KeyValueStore<String, byte[]> store, long wallNow) {
    long now = now(wallNow);
    store.put(STORE_KEY, ByteBuffer.allocate(8).putLong(now).array());
    return now;
  }

  /** Continues from a time saved before a restart; the wall clock counts from {@code wallNow}. */
  void restore(long savedNow, long wallNow) {
    if (savedNow > now(wallNow)) {
      streamTime = savedNow;
      wallAtAdvance = wallNow;
    }
  }

  /**
   * Records an event; moves the clock forward when the event is ahead of it, but never past the
   * event's ingestion time plus the allowed skew.
   *
   * @return false when the event time was beyond that bound (the clock moved only to the bound)
   */
  boolean observe(long eventTime, long ingestedAt, long wallNow) {
    // ingestedAt 0 or less: a producer that did not say when it ingested; nothing to bound by.
    long bound =
        ingestedAt <= 0 || ingestedAt > Long.MAX_VALUE - maxSkew
            ? Long.MAX_VALUE
            : ingestedAt + maxSkew;
    long trusted = Math.min(eventTime, bound);
    if (trusted > now(wallNow)) {
      streamTime = trusted;
      wallAtAdvance = wallNow;
    }
    return eventTime <= bound;
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
