package io.traceline.correlator.stats;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A distribution of latencies in milliseconds: a DDSketch with 1% relative accuracy whose bins
 * collapse at the low end beyond {@link #MAX_BINS} (so a sketch stays under ~8 KiB however many
 * values it holds; only sub-millisecond quantiles lose accuracy). Mergeable: the sketch of two
 * windows is the merge of their sketches, which is why baselines and edge aggregates can be kept as
 * per-window sketches in state stores.
 *
 * <p>Not thread-safe; a processor owns its sketches. Values below {@link #MIN_MS} count as that
 * value (zero-millisecond calls are common in logs rounded to the millisecond).
 */
public final class LatencySketch {

  /** Relative accuracy of every quantile. */
  public static final double RELATIVE_ACCURACY = 0.01;

  /** Most bins per sketch; with 1% accuracy 2048 bins span about 1e-6 ms to 1e12 ms. */
  public static final int MAX_BINS = 2048;

  /** Smallest value kept apart: one microsecond. */
  public static final double MIN_MS = 0.001;

  private final DDSketch sketch;

  private LatencySketch(DDSketch sketch) {
    this.sketch = sketch;
  }

  /** An empty sketch. */
  public static LatencySketch empty() {
    return new LatencySketch(
        DDSketches.logarithmicCollapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS));
  }

  /**
   * Reads a sketch written by {@link #toBytes()}.
   *
   * @throws IllegalArgumentException when the bytes are not a sketch
   */
  public static LatencySketch fromBytes(byte[] bytes) {
    LatencySketch decoded = empty();
    decoded.mergeBytes(bytes);
    return decoded;
  }

  /**
   * Merges a sketch written by {@link #toBytes()} into this one.
   *
   * @throws IllegalArgumentException when the bytes are not a sketch
   */
  public void mergeBytes(byte[] bytes) {
    try {
      sketch.decodeAndMergeWith(ByteArrayInput.wrap(bytes));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a latency sketch: " + e.getMessage(), e);
    }
  }

  /** Adds one latency in milliseconds; negative and non-finite values are ignored. */
  public void add(double ms) {
    if (ms >= 0 && Double.isFinite(ms)) {
      sketch.accept(Math.max(MIN_MS, ms));
    }
  }

  /** Merges another sketch into this one. */
  public void merge(LatencySketch other) {
    sketch.mergeWith(other.sketch);
  }

  /** Values added. */
  public long count() {
    return Math.round(sketch.getCount());
  }

  /** Whether no value was added. */
  public boolean isEmpty() {
    return sketch.isEmpty();
  }

  /**
   * The value at quantile {@code q} in [0, 1], within 1% of the exact value.
   *
   * @throws IllegalStateException when the sketch is empty
   */
  public double quantile(double q) {
    if (sketch.isEmpty()) {
      throw new IllegalStateException("no value in the sketch");
    }
    return sketch.getValueAtQuantile(q);
  }

  /** The largest value added (within the sketch's accuracy). */
  public double max() {
    return sketch.isEmpty() ? 0 : sketch.getMaxValue();
  }

  /** The compact binary form: DDSketch's own encoding, index mapping included. */
  public byte[] toBytes() {
    GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
    try {
      sketch.encode(out, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory output does not fail
    }
    return out.trimmedCopy();
  }
}
