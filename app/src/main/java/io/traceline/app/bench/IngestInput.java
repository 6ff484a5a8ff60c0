package io.traceline.app.bench;

import io.traceline.app.demo.ShopWorkload;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's input, generated once before any measurement: the subscription messages of a
 * {@link ShopWorkload} run on a simulated clock (no sleeping), each also encoded to the raw gzip
 * bytes a Kinesis consumer receives, plus the statistics of the mix. Deterministic for a given
 * rate, length and seed. Not thread-safe; the arrays are shared with the stages, never modified.
 */
final class IngestInput {

  /** Start of the simulated clock: 2025-11-14T09:12:00Z, the day of the reference samples. */
  static final long START_EPOCH_MS = 1_763_111_520_000L;

  private static final long STEP_MS = 1_000;

  final double requestsPerSecond;
  final int secondsOfTraffic;
  final long seed;
  final long requests;

  /** Every record in delivery order, data and control messages alike. */
  final SubscriptionMessage[] messages;

  /** {@code messages[i]} as {@link SubscriptionDecoder#encode} writes it (raw gzip). */
  final byte[][] gzip;

  /** Bytes of the decompressed JSON of each record. */
  final int[] jsonBytes;

  final int controlRecords;
  final long events;
  final long totalJsonBytes;
  final long totalGzipBytes;
  final double meanLineBytes;
  final int medianLineBytes;
  final int maxLineBytes;
  final List<GroupShare> groups;

  /**
   * The records and events of one log group.
   *
   * @param logGroup the group
   * @param records its data records
   * @param events its events (lines)
   * @param lineBytes the UTF-8 bytes of its lines
   */
  record GroupShare(String logGroup, long records, long events, long lineBytes) {}

  private IngestInput(
      double requestsPerSecond,
      int secondsOfTraffic,
      long seed,
      long requests,
      List<SubscriptionMessage> all) {
    this.requestsPerSecond = requestsPerSecond;
    this.secondsOfTraffic = secondsOfTraffic;
    this.seed = seed;
    this.requests = requests;
    this.messages = all.toArray(new SubscriptionMessage[0]);
    this.gzip = new byte[messages.length][];
    this.jsonBytes = new int[messages.length];
    int controls = 0;
    long eventCount = 0;
    long json = 0;
    long compressed = 0;
    int lineCount = 0;
    for (SubscriptionMessage m : messages) {
      lineCount += m.logEvents().size();
    }
    int[] lineSizes = new int[lineCount];
    int line = 0;
    Map<String, long[]> byGroup = new HashMap<>();
    for (int i = 0; i < messages.length; i++) {
      SubscriptionMessage m = messages[i];
      gzip[i] = SubscriptionDecoder.encode(m);
      jsonBytes[i] = SubscriptionDecoder.toJson(m).length;
      json += jsonBytes[i];
      compressed += gzip[i].length;
      if (m.isControl()) {
        controls++;
        continue;
      }
      long[] share = byGroup.computeIfAbsent(m.logGroup(), g -> new long[3]);
      share[0]++;
      for (CloudWatchEvent e : m.logEvents()) {
        int size = e.message().getBytes(StandardCharsets.UTF_8).length;
        lineSizes[line++] = size;
        share[1]++;
        share[2] += size;
        eventCount++;
      }
    }
    this.controlRecords = controls;
    this.events = eventCount;
    this.totalJsonBytes = json;
    this.totalGzipBytes = compressed;
    int[] sizes = Arrays.copyOf(lineSizes, line);
    Arrays.sort(sizes);
    long sum = 0;
    for (int s : sizes) {
      sum += s;
    }
    this.meanLineBytes = sizes.length == 0 ? 0 : (double) sum / sizes.length;
    this.medianLineBytes = sizes.length == 0 ? 0 : median(sizes);
    this.maxLineBytes = sizes.length == 0 ? 0 : sizes[sizes.length - 1];
    List<GroupShare> shares = new ArrayList<>();
    byGroup.forEach((g, s) -> shares.add(new GroupShare(g, s[0], s[1], s[2])));
    shares.sort(
        Comparator.comparingLong(GroupShare::events)
            .reversed()
            .thenComparing(GroupShare::logGroup));
    this.groups = List.copyOf(shares);
  }

  /**
   * Runs a {@link ShopWorkload} for {@code secondsOfTraffic} simulated seconds (then drains what is
   * still buffered) and encodes every message.
   */
  static IngestInput generate(double requestsPerSecond, int secondsOfTraffic, long seed) {
    ShopWorkload workload =
        new ShopWorkload(
            ShopWorkload.Settings.builder()
                .requestsPerSecond(requestsPerSecond)
                .seed(seed)
                .truthRetention(0)
                .build());
    List<SubscriptionMessage> all = new ArrayList<>();
    long end = START_EPOCH_MS + secondsOfTraffic * 1_000L;
    for (long now = START_EPOCH_MS; now <= end; now += STEP_MS) {
      all.addAll(workload.advanceTo(now));
    }
    all.addAll(workload.drain());
    return new IngestInput(requestsPerSecond, secondsOfTraffic, seed, workload.requestCount(), all);
  }

  int records() {
    return messages.length;
  }

  int dataRecords() {
    return messages.length - controlRecords;
  }

  private static int median(int[] sorted) {
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
