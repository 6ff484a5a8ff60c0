package io.traceline.correlator.baseline;

import static io.traceline.correlator.baseline.Samples.CURRENCY;
import static io.traceline.correlator.baseline.Samples.DB;
import static io.traceline.correlator.baseline.Samples.FRONTEND;
import static io.traceline.correlator.baseline.Samples.ROUTE;
import static io.traceline.correlator.baseline.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.traceline.model.Timeline.Hop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RouteStatsTest {

  @Test
  void learnsRequestsAndHopsWithTheirPresence() {
    RouteStats stats = RouteStats.empty();
    for (int i = 1; i <= 100; i++) {
      stats.add(sample(i, 10, i, i % 4 == 0 ? null : 3L), 64);
    }

    RouteBaseline baseline = stats.baseline(0.99);
    assertThat(baseline.traces()).isEqualTo(100);
    assertThat(baseline.durationSamples()).isEqualTo(100);
    assertThat(baseline.hop(CURRENCY).samples()).isEqualTo(100);
    assertThat(baseline.hop(CURRENCY).selfTime()).isCloseTo(99, within(1.0));
    assertThat(baseline.presence(DB)).isEqualTo(0.75);
    assertThat(baseline.presence(CURRENCY)).isEqualTo(1.0);
    assertThat(baseline.presence(new Hop("nowhere", null))).isZero();
    assertThat(baseline.hops().keySet()).containsExactly(CURRENCY, DB, ROUTE);
  }

  @Test
  void theMergeOfBucketsIsTheStatsOfAllTheirRequests() {
    Random random = new Random(3);
    RouteStats all = RouteStats.empty();
    List<RouteStats> buckets = List.of(RouteStats.empty(), RouteStats.empty(), RouteStats.empty());
    for (int i = 0; i < 3_000; i++) {
      TraceSample s = sample(i, 10, Math.round(Math.exp(random.nextGaussian() + 2)), 3L);
      all.add(s, 64);
      buckets.get(i % 3).add(s, 64);
    }
    RouteStats merged = RouteStats.empty();
    buckets.forEach(merged::merge);

    assertThat(merged.baseline(0.99)).isEqualTo(all.baseline(0.99));
    assertThat(merged.baseline(0.5)).isEqualTo(all.baseline(0.5));
    assertThat(merged.toBytes()).isEqualTo(all.toBytes());
  }

  @Test
  void theBinaryFormRoundTripsAndDoesNotDependOnLearningOrder() {
    List<TraceSample> samples = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      samples.add(sample(i, 10 + i % 7, 5 + i % 13, i % 2 == 0 ? null : (long) i));
    }
    samples.add(
        new TraceSample(ROUTE, 0, 1, hops(new Hop("ünïcode", "op \u0000 x"), 1L), true, true));
    RouteStats forward = RouteStats.empty();
    samples.forEach(s -> forward.add(s, 64));
    Collections.reverse(samples);
    RouteStats backward = RouteStats.empty();
    samples.forEach(s -> backward.add(s, 64));

    byte[] bytes = forward.toBytes();
    assertThat(backward.toBytes()).isEqualTo(bytes);
    RouteStats read = RouteStats.fromBytes(bytes);
    assertThat(read.toBytes()).isEqualTo(bytes);
    assertThat(read.baseline(0.9)).isEqualTo(forward.baseline(0.9));
    assertThat(read.traces()).isEqualTo(201);
    assertThat(read.hopCount()).isEqualTo(4);
  }

  @Test
  void hopsBeyondTheBoundAreDroppedAndCounted() {
    RouteStats stats = RouteStats.empty();
    assertThat(stats.add(sample(0, 10, 5, 3L), 2)).isEqualTo(1);
    assertThat(stats.add(sample(1, 10, 5, 3L), 2)).isEqualTo(1);
    assertThat(stats.hopCount()).isEqualTo(2);
    assertThat(stats.traces()).isEqualTo(2);
    // Hops already learned keep being learned; only new ones are refused.
    assertThat(stats.baseline(0.5).hop(CURRENCY).samples()).isEqualTo(2);
    assertThat(stats.baseline(0.5).hop(DB).samples()).isEqualTo(2);
    assertThat(stats.baseline(0.5).hop(FRONTEND)).isNull(); // the last in hop order
  }

  @Test
  void bytesThatAreNotStatsAreRejectedWithIllegalArgument() {
    byte[] good = Samples.learned(10).toBytes();
    for (byte[] bad :
        List.of(
            new byte[0],
            new byte[] {9},
            Arrays.copyOf(good, good.length - 1),
            Arrays.copyOf(good, good.length + 1),
            "{\"json\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      assertThatThrownBy(() -> RouteStats.fromBytes(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    byte[] corrupt = good.clone();
    corrupt[10] ^= (byte) 0x7f; // inside the first sketch's length
    assertThatThrownBy(() -> RouteStats.fromBytes(corrupt))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hopsEncodePrefixFree() {
    byte[] a = HopCodec.toBytes(new Hop("api", null));
    byte[] b = HopCodec.toBytes(new Hop("api", ""));
    byte[] c = HopCodec.toBytes(new Hop("ap", "i"));
    assertThat(HopCodec.fromBytes(a)).isEqualTo(new Hop("api", null));
    assertThat(HopCodec.fromBytes(b)).isEqualTo(new Hop("api", ""));
    for (byte[] x : List.of(a, b, c)) {
      for (byte[] y : List.of(a, b, c)) {
        if (x != y) {
          assertThat(startsWith(y, x)).as("one hop's bytes start another's").isFalse();
        }
      }
    }
    assertThatThrownBy(() -> HopCodec.fromBytes(new byte[] {0, 0, 0, 9, 'a'}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static SortedMap<Hop, Long> hops(Hop hop, long value) {
    TreeMap<Hop, Long> hops = new TreeMap<>(HopCodec.ORDER);
    hops.put(hop, value);
    return hops;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(Arrays.copyOf(bytes, prefix.length), prefix);
  }
}
