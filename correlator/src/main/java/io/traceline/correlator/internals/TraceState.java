package io.traceline.correlator.internals;

import java.nio.ByteBuffer;

/**
 * What the correlator remembers about one trace besides its events: when it was seen, how many
 * events it has, whether it was emitted and when its single deadline entry fires. Stored in the
 * {@code trace-meta} store in a small fixed binary layout (version byte first).
 *
 * @param firstSeen clock time of the first event's arrival
 * @param lastSeen clock time of the latest event's arrival
 * @param lastEventTime highest event time of the trace
 * @param eventCount distinct events seen, including those beyond the storage bounds
 * @param storedCount events stored
 * @param storedBytes bytes of events stored
 * @param revision revisions emitted so far (0 before the first emission)
 * @param closed whether the latest revision was emitted and no event arrived since
 * @param closedAt clock time of the latest emission
 * @param scheduledAt time of this trace's entry in the deadline store
 */
record TraceState(
    long firstSeen,
    long lastSeen,
    long lastEventTime,
    int eventCount,
    int storedCount,
    long storedBytes,
    int revision,
    boolean closed,
    long closedAt,
    long scheduledAt) {

  private static final byte VERSION = 1;
  private static final int SIZE = 1 + 8 + 8 + 8 + 4 + 4 + 8 + 4 + 1 + 8 + 8;

  static TraceState opened(long now, long eventTime, long scheduledAt) {
    return new TraceState(now, now, eventTime, 0, 0, 0, 0, false, 0, scheduledAt);
  }

  /** Whether events were dropped for the storage bounds. */
  boolean truncated() {
    return eventCount > storedCount;
  }

  TraceState withEvent(long now, long eventTime, boolean stored, long bytes) {
    return new TraceState(
        firstSeen,
        now,
        Math.max(lastEventTime, eventTime),
        eventCount + 1,
        stored ? storedCount + 1 : storedCount,
        stored ? storedBytes + bytes : storedBytes,
        revision,
        false,
        closedAt,
        scheduledAt);
  }

  TraceState emitted(long now) {
    return new TraceState(
        firstSeen,
        lastSeen,
        lastEventTime,
        eventCount,
        storedCount,
        storedBytes,
        revision + 1,
        true,
        now,
        scheduledAt);
  }

  TraceState scheduled(long at) {
    return new TraceState(
        firstSeen,
        lastSeen,
        lastEventTime,
        eventCount,
        storedCount,
        storedBytes,
        revision,
        closed,
        closedAt,
        at);
  }

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put(VERSION)
        .putLong(firstSeen)
        .putLong(lastSeen)
        .putLong(lastEventTime)
        .putInt(eventCount)
        .putInt(storedCount)
        .putLong(storedBytes)
        .putInt(revision)
        .put((byte) (closed ? 1 : 0))
        .putLong(closedAt)
        .putLong(scheduledAt);
    return b.array();
  }

  static TraceState fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte version = b.get();
    if (version != VERSION) {
      throw new IllegalStateException("unknown trace state version " + version);
    }
    return new TraceState(
        b.getLong(),
        b.getLong(),
        b.getLong(),
        b.getInt(),
        b.getInt(),
        b.getLong(),
        b.getInt(),
        b.get() == 1,
        b.getLong(),
        b.getLong());
  }
}
