package io.traceline.correlator.internals;

import io.traceline.correlator.stats.LatencySketch;
import io.traceline.model.ServiceEdgeStats;
import java.nio.ByteBuffer;

/**
 * The calls of one edge that started within one minute, as stored in {@code edge-windows}: exact
 * counts, a latency sketch, the revision last emitted and whether calls arrived since. Not
 * thread-safe; pure (the processor moves it between the store and the topic).
 */
final class EdgeWindow {

  private static final byte FORMAT = 1;

  /** Format, calls, errors, emitted revision, changed flag; the sketch follows. */
  private static final int HEADER_BYTES = 1 + 8 + 8 + 4 + 1;

  private long calls;
  private long errors;
  private int emittedRevision;
  private boolean changed;
  private final LatencySketch latency;

  private EdgeWindow(
      long calls, long errors, int emittedRevision, boolean changed, LatencySketch latency) {
    this.calls = calls;
    this.errors = errors;
    this.emittedRevision = emittedRevision;
    this.changed = changed;
    this.latency = latency;
  }

  static EdgeWindow empty() {
    return new EdgeWindow(0, 0, 0, false, LatencySketch.empty());
  }

  /** Adds one call. */
  void add(EdgeCalls.Call call) {
    calls++;
    if (call.error()) {
      errors++;
    }
    latency.add((double) call.durationMs());
    changed = true;
  }

  /**
   * Whether the stored window has calls not emitted yet, read without decoding its sketch; true for
   * bytes that are no window (the processor then replaces them).
   */
  static boolean changedSinceEmitted(byte[] stored) {
    return stored.length < HEADER_BYTES || stored[0] != FORMAT || stored[HEADER_BYTES - 1] == 1;
  }

  /** Whether calls arrived since the last emission. */
  boolean changed() {
    return changed;
  }

  /** The aggregate to emit now (the next revision); marks the window as emitted. */
  ServiceEdgeStats emit(long minute, String from, String to) {
    emittedRevision++;
    changed = false;
    return new ServiceEdgeStats(
        minute,
        from,
        to,
        calls,
        errors,
        latency.quantile(0.5),
        latency.quantile(0.9),
        latency.quantile(0.99),
        latency.max(),
        emittedRevision);
  }

  byte[] toBytes() {
    byte[] sketch = latency.toBytes();
    return ByteBuffer.allocate(HEADER_BYTES + sketch.length)
        .put(FORMAT)
        .putLong(calls)
        .putLong(errors)
        .putInt(emittedRevision)
        .put((byte) (changed ? 1 : 0))
        .put(sketch)
        .array();
  }

  /**
   * Reads the stored form.
   *
   * @throws IllegalArgumentException when the bytes are not a window
   */
  static EdgeWindow fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length < HEADER_BYTES || in.get() != FORMAT) {
      throw new IllegalArgumentException("not an edge window");
    }
    long calls = in.getLong();
    long errors = in.getLong();
    int revision = in.getInt();
    boolean changed = in.get() == 1;
    byte[] sketch = new byte[in.remaining()];
    in.get(sketch);
    return new EdgeWindow(calls, errors, revision, changed, LatencySketch.fromBytes(sketch));
  }
}
