package io.traceline.app.demo;

import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Holds written lines until CloudWatch Logs would deliver them, and packs them the way a
 * subscription filter does: one message per log stream and flush window, events in timestamp order,
 * ids as real ones decompose.
 *
 * <p>A line written at {@code w} joins the batch of its stream's flush window {@code floor(w /
 * flushInterval)}; the batch is delivered at the window's end plus a delay drawn from its log
 * group's range. The delay is a function of the seed, the stream and the window, so a batch never
 * arrives before any of its lines was written, and delivery does not depend on how the clock is
 * stepped. Batches over 10,000 events or about 1 MB are split. Not thread-safe.
 */
final class DeliveryBuffer {

  static final String CONTROL_TEXT =
      "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.";
  private static final int MAX_EVENTS = 10_000;
  private static final int MAX_BYTES = 1_000_000;
  private static final int EVENT_OVERHEAD_BYTES = 26;

  /** A pending batch: one stream's lines of one flush window, or one control message. */
  private record BatchKey(long deliverAt, String logGroup, String logStream, long window) {}

  /** A line, with a tie-break for equal timestamps that does not depend on clock stepping. */
  private record Pending(LogLine line, int source, long order) {}

  private static final Comparator<BatchKey> BATCH_ORDER =
      Comparator.comparingLong(BatchKey::deliverAt)
          .thenComparing(BatchKey::logGroup)
          .thenComparing(BatchKey::logStream)
          .thenComparingLong(BatchKey::window);

  private static final Comparator<Pending> EVENT_ORDER =
      Comparator.comparingLong((Pending p) -> p.line().timestamp())
          .thenComparingInt(Pending::source)
          .thenComparingLong(Pending::order);

  private final long seed;
  private final long flushIntervalMs;
  private final ShopWorkload.Settings settings;
  private final NavigableMap<BatchKey, List<Pending>> pending = new TreeMap<>(BATCH_ORDER);
  private final long[] orders = new long[2];
  private int pendingLines;

  DeliveryBuffer(ShopWorkload.Settings settings) {
    this.settings = settings;
    this.seed = settings.seed();
    this.flushIntervalMs = settings.flushIntervalMs();
  }

  /**
   * Buffers a line.
   *
   * @param source 0 for request lines, 1 for background noise: each source adds lines in a fixed
   *     order, whatever the clock stepping
   */
  void add(LogLine line, int source) {
    long window = Math.floorDiv(line.writtenAt(), flushIntervalMs);
    ShopWorkload.DeliveryDelay delay = settings.deliveryDelayFor(line.logGroup());
    long jitter =
        Math.floorMod(
            Dice.mix(seed, line.logGroup() + '|' + line.logStream(), window),
            delay.maxMs() - delay.minMs() + 1);
    long deliverAt = (window + 1) * flushIntervalMs + delay.minMs() + jitter;
    BatchKey key = new BatchKey(deliverAt, line.logGroup(), line.logStream(), window);
    pending
        .computeIfAbsent(key, k -> new ArrayList<>())
        .add(new Pending(line, source, orders[source]++));
    pendingLines++;
  }

  /** Buffers a control message, delivered at {@code at}. */
  void addControl(long at) {
    pending.put(new BatchKey(at, "", "", at), List.of());
  }

  int pendingLines() {
    return pendingLines;
  }

  /** Removes and returns the messages due at or before {@code now}, in delivery order. */
  List<SubscriptionMessage> release(long now) {
    return releaseAll(pending.headMap(new BatchKey(now, "\uffff", "\uffff", Long.MAX_VALUE), true));
  }

  /** Removes and returns every buffered message, in delivery order. */
  List<SubscriptionMessage> releaseAll() {
    return releaseAll(pending);
  }

  private List<SubscriptionMessage> releaseAll(Map<BatchKey, List<Pending>> due) {
    List<SubscriptionMessage> out = new ArrayList<>();
    for (Map.Entry<BatchKey, List<Pending>> batch : due.entrySet()) {
      BatchKey key = batch.getKey();
      if (key.logGroup().isEmpty()) {
        out.add(control(key.deliverAt()));
      } else {
        pack(key, batch.getValue(), out);
        pendingLines -= batch.getValue().size();
      }
    }
    due.clear();
    return out;
  }

  private void pack(BatchKey key, List<Pending> lines, List<SubscriptionMessage> out) {
    List<Pending> sorted = new ArrayList<>(lines);
    sorted.sort(EVENT_ORDER);
    List<CloudWatchEvent> chunk = new ArrayList<>();
    int bytes = 0;
    int chunkIndex = 0;
    long random = batchRandom(key, chunkIndex);
    for (Pending p : sorted) {
      int size = p.line().message().getBytes(StandardCharsets.UTF_8).length + EVENT_OVERHEAD_BYTES;
      if (!chunk.isEmpty() && (chunk.size() == MAX_EVENTS || bytes + size > MAX_BYTES)) {
        out.add(data(key, chunk));
        chunk = new ArrayList<>();
        bytes = 0;
        random = batchRandom(key, ++chunkIndex);
      }
      String id = EventIds.id(p.line().timestamp(), key.deliverAt(), random, chunk.size());
      chunk.add(new CloudWatchEvent(id, p.line().timestamp(), p.line().message()));
      bytes += size;
    }
    if (!chunk.isEmpty()) {
      out.add(data(key, chunk));
    }
  }

  private long batchRandom(BatchKey key, int chunkIndex) {
    return Dice.mix(seed, key.logGroup() + '|' + key.logStream(), key.window(), chunkIndex, 7L);
  }

  private static SubscriptionMessage data(BatchKey key, List<CloudWatchEvent> events) {
    return new SubscriptionMessage(
        SubscriptionMessage.DATA_MESSAGE,
        Shop.ACCOUNT,
        key.logGroup(),
        key.logStream(),
        List.of(Shop.SUBSCRIPTION_FILTER),
        events);
  }

  /** The exact shape of a real Kinesis-destination control message (reference §1.3). */
  private static SubscriptionMessage control(long at) {
    return new SubscriptionMessage(
        SubscriptionMessage.CONTROL_MESSAGE,
        "CloudwatchLogs",
        "",
        "",
        List.of(),
        List.of(new CloudWatchEvent("", at, CONTROL_TEXT)));
  }
}
