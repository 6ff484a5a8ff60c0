package io.traceline.correlator.internals;

import java.nio.ByteBuffer;

/**
 * What the correlator remembers about one trace besides its events: where it is in its life, when
 * it was seen, how many events it has, its revision and when its single deadline entry fires.
 * Stored in the {@code trace-meta} store in a small fixed binary layout (version byte first).
 *
 * @param phase open (collecting), closed (emitted, kept for late events) or purged (a tombstone)
 * @param openedAt clock time the trace was opened, or re-opened by a late event (its age counts
 *     from there)
 * @param lastSeen clock time of the latest event's arrival
 * @param eventCount distinct events seen, including those beyond the storage bounds
 * @param storedCount events stored in full
 * @param markedCount events beyond the bounds remembered by id only (for dedupe)
 * @param storedBytes bytes of events stored
 * @param revision revisions emitted so far (0 before the first emission)
 * @param closedAt clock time of the latest emission, or of the purge for a tombstone
 * @param scheduledAt time of this trace's entry in the deadline store
 */
record TraceState(
    Phase phase,
    long openedAt,
    long lastSeen,
    int eventCount,
    int storedCount,
    int markedCount,
    long storedBytes,
    int revision,
    long closedAt,
    long scheduledAt) {

  /** Where a trace is in its life. */
  enum Phase {
    /** Collecting events; closes when quiet or old. */
    OPEN(0),
    /** Emitted; its events are kept for the grace period so that late ones re-open it. */
    CLOSED(1),
    /** Events deleted; remembered by revision only, so that later arrivals are recognised. */
    PURGED(2);

    /** The stored code: frozen, like the layout. */
    final byte code;

    Phase(int code) {
      this.code = (byte) code;
    }

    static Phase of(byte code) {
      for (Phase p : values()) {
        if (p.code == code) {
          return p;
        }
      }
      throw new IllegalStateException("unknown trace phase " + code);
    }
  }

  private static final byte VERSION = 1;
  private static final int SIZE = 1 + 1 + 8 + 8 + 4 + 4 + 4 + 8 + 4 + 8 + 8;

  static TraceState opened(long now, long scheduledAt) {
    return new TraceState(Phase.OPEN, now, now, 0, 0, 0, 0, 0, 0, scheduledAt);
  }

  /** Whether {@code bytes} is a stored state of an open trace; reads two bytes, decodes nothing. */
  static boolean isOpen(byte[] bytes) {
    return bytes != null
        && bytes.length == SIZE
        && bytes[0] == VERSION
        && bytes[1] == Phase.OPEN.code;
  }

  /** Whether events were dropped for the storage bounds. */
  boolean truncated() {
    return eventCount > storedCount;
  }

  /** One more distinct event: stored in full, remembered by id, or only counted. */
  /** Re-opened by a late event: collecting again, its age counted from now. */
  TraceState reopened(long now, long at) {
    return new TraceState(
        Phase.OPEN,
        now,
        lastSeen,
        eventCount,
        storedCount,
        markedCount,
        storedBytes,
        revision,
        closedAt,
        at);
  }

  TraceState withEvent(long now, boolean stored, boolean marked, long bytes) {
    return new TraceState(
        Phase.OPEN,
        openedAt,
        now,
        eventCount + 1,
        stored ? storedCount + 1 : storedCount,
        marked ? markedCount + 1 : markedCount,
        stored ? storedBytes + bytes : storedBytes,
        revision,
        closedAt,
        scheduledAt);
  }

  TraceState closed(long now, int newRevision) {
    return new TraceState(
        Phase.CLOSED,
        openedAt,
        lastSeen,
        eventCount,
        storedCount,
        markedCount,
        storedBytes,
        newRevision,
        now,
        scheduledAt);
  }

  TraceState purged(long now) {
    return new TraceState(Phase.PURGED, openedAt, lastSeen, eventCount, 0, 0, 0, revision, now, 0);
  }

  TraceState scheduled(long at) {
    return new TraceState(
        phase,
        openedAt,
        lastSeen,
        eventCount,
        storedCount,
        markedCount,
        storedBytes,
        revision,
        closedAt,
        at);
  }

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put(VERSION)
        .put(phase.code)
        .putLong(openedAt)
        .putLong(lastSeen)
        .putInt(eventCount)
        .putInt(storedCount)
        .putInt(markedCount)
        .putLong(storedBytes)
        .putInt(revision)
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
        Phase.of(b.get()),
        b.getLong(),
        b.getLong(),
        b.getInt(),
        b.getInt(),
        b.getInt(),
        b.getLong(),
        b.getInt(),
        b.getLong(),
        b.getLong());
  }
}
