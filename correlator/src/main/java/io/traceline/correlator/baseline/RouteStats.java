package io.traceline.correlator.baseline;

import io.traceline.correlator.stats.LatencySketch;
import io.traceline.model.Timeline.Hop;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What was learned of one route in one time bucket, or merged over the buckets of a window: the
 * number of requests, a {@link LatencySketch} of their durations and, per hop, a sketch of its self
 * times and the number of requests that contained it.
 *
 * <p>Mergeable (the view of a window is the merge of its buckets) and stored in a compact binary
 * form: a format byte, the counts and DDSketch's own encoding of each sketch. Hops are kept in
 * {@link HopCodec#ORDER}, so equal contents encode to equal bytes whatever order requests were
 * learned in. Not thread-safe.
 */
public final class RouteStats {

  private static final byte FORMAT = 1;

  private long traces;
  private final LatencySketch durations;
  private final TreeMap<Hop, HopStats> hops = new TreeMap<>(HopCodec.ORDER);

  private RouteStats(long traces, LatencySketch durations) {
    this.traces = traces;
    this.durations = durations;
  }

  /** Nothing learned. */
  public static RouteStats empty() {
    return new RouteStats(0, LatencySketch.empty());
  }

  /**
   * Learns one request. A hop not yet in these stats is learned only while they hold fewer than
   * {@code maxHops} hops.
   *
   * @return how many of the request's hops were not learned because of {@code maxHops}
   */
  public int add(TraceSample sample, int maxHops) {
    traces++;
    durations.add((double) sample.durationMs());
    int dropped = 0;
    for (Map.Entry<Hop, Long> e : sample.hops().entrySet()) {
      HopStats stats = hops.get(e.getKey());
      if (stats == null) {
        if (hops.size() >= maxHops) {
          dropped++;
          continue;
        }
        stats = new HopStats(0, LatencySketch.empty());
        hops.put(e.getKey(), stats);
      }
      stats.traces++;
      stats.selfTimes.add((double) e.getValue());
    }
    return dropped;
  }

  /** Adds everything {@code other} learned to these stats. */
  public void merge(RouteStats other) {
    traces += other.traces;
    durations.merge(other.durations);
    for (Map.Entry<Hop, HopStats> e : other.hops.entrySet()) {
      HopStats mine = hops.computeIfAbsent(e.getKey(), h -> new HopStats(0, LatencySketch.empty()));
      mine.traces += e.getValue().traces;
      mine.selfTimes.merge(e.getValue().selfTimes);
    }
  }

  /** Requests learned. */
  public long traces() {
    return traces;
  }

  /** Distinct hops learned. */
  public int hopCount() {
    return hops.size();
  }

  /** The baseline these stats give at quantile {@code q} in (0, 1). */
  public RouteBaseline baseline(double q) {
    TreeMap<Hop, RouteBaseline.HopBaseline> hopBaselines = new TreeMap<>(HopCodec.ORDER);
    for (Map.Entry<Hop, HopStats> e : hops.entrySet()) {
      HopStats s = e.getValue();
      if (!s.selfTimes.isEmpty()) {
        hopBaselines.put(
            e.getKey(),
            new RouteBaseline.HopBaseline(s.traces, s.selfTimes.count(), s.selfTimes.quantile(q)));
      }
    }
    Double duration = durations.isEmpty() ? null : durations.quantile(q);
    return new RouteBaseline(traces, durations.count(), duration, hopBaselines);
  }

  /** The binary form {@link #fromBytes} reads. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(traces);
      writeSketch(out, durations);
      out.writeInt(hops.size());
      for (Map.Entry<Hop, HopStats> e : hops.entrySet()) {
        HopCodec.write(out, e.getKey());
        out.writeLong(e.getValue().traces);
        writeSketch(out, e.getValue().selfTimes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Reads stats written by {@link #toBytes}.
   *
   * @throws IllegalArgumentException when the bytes are not such stats (another format, cut short,
   *     a broken sketch)
   */
  public static RouteStats fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown format " + format);
      }
      RouteStats stats = new RouteStats(nonNegative(in.readLong()), readSketch(in));
      int hopCount = in.readInt();
      if (hopCount < 0 || hopCount > in.available()) {
        throw new IllegalArgumentException("impossible hop count " + hopCount);
      }
      for (int i = 0; i < hopCount; i++) {
        Hop hop = HopCodec.read(in);
        HopStats hopStats = new HopStats(nonNegative(in.readLong()), readSketch(in));
        if (stats.hops.put(hop, hopStats) != null) {
          throw new IllegalArgumentException("hop " + hop + " twice");
        }
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException("bytes after the stats");
      }
      return stats;
    } catch (IOException e) {
      throw new IllegalArgumentException("not route stats: " + e.getMessage(), e);
    }
  }

  private static void writeSketch(DataOutputStream out, LatencySketch sketch) throws IOException {
    byte[] encoded = sketch.toBytes();
    out.writeInt(encoded.length);
    out.write(encoded);
  }

  private static LatencySketch readSketch(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IllegalArgumentException("impossible sketch length " + length);
    }
    byte[] encoded = new byte[length];
    in.readFully(encoded);
    return LatencySketch.fromBytes(encoded);
  }

  private static long nonNegative(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("negative count " + count);
    }
    return count;
  }

  /** One hop's self times and the number of requests that contained it. */
  private static final class HopStats {
    private long traces;
    private final LatencySketch selfTimes;

    HopStats(long traces, LatencySketch selfTimes) {
      this.traces = traces;
      this.selfTimes = selfTimes;
    }
  }
}
