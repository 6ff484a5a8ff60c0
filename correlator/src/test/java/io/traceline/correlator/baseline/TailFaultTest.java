package io.traceline.correlator.baseline;

import static io.traceline.correlator.baseline.Samples.CURRENCY;
import static io.traceline.correlator.baseline.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.correlator.stats.LatencySketch;
import io.traceline.model.FlagType;
import io.traceline.model.Timeline.Flag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tail fault: one hop's median stays put while 10% of its calls become 50 times slower. A
 * detector of the median sees nothing; the p99 baseline flags exactly the slow calls.
 */
@Timeout(10)
class TailFaultTest {

  private static final OutlierRules RULES =
      new OutlierRules(0.99, 1.5, 20, 50, 0.95, Duration.ofHours(1));

  @Test
  void theSlowCallsAndOnlyThemAreFlaggedThoughTheMedianDoesNotMove() {
    Random random = new Random(42);
    RouteStats learned = RouteStats.empty();
    LatencySketch before = LatencySketch.empty();
    for (int i = 0; i < 2_000; i++) {
      long currency = normalCall(random);
      learned.add(sample(i, 10, currency, 3L), 64);
      before.add((double) currency);
    }
    RouteBaseline baseline = learned.baseline(RULES.quantile());

    LatencySketch during = LatencySketch.empty();
    Set<Integer> slow = new HashSet<>();
    Set<Integer> flagged = new HashSet<>();
    List<Flag> segmentFlags = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      long currency = normalCall(random);
      if (i % 10 == 3) {
        currency *= 50;
        slow.add(i);
      }
      during.add((double) currency);
      for (Flag f : RULES.flags(sample(10_000 + i, 10, currency, 3L), baseline)) {
        if (f.type() == FlagType.SEGMENT_OUTLIER) {
          flagged.add(i);
          segmentFlags.add(f);
        }
      }
    }

    // What a median-based alarm would look at: unchanged within 10%; the tail moved tenfold.
    assertThat(during.quantile(0.5))
        .isBetween(before.quantile(0.5) * 0.9, before.quantile(0.5) * 1.1);
    assertThat(during.quantile(0.99)).isGreaterThan(before.quantile(0.99) * 10);
    // The p99 baseline flags every slow call and no normal one, naming the hop.
    assertThat(flagged).isEqualTo(slow);
    assertThat(segmentFlags)
        .allSatisfy(
            f -> {
              assertThat(f.service()).isEqualTo(CURRENCY.service());
              assertThat(f.operation()).isEqualTo(CURRENCY.operation());
              assertThat(f.quantile()).isEqualTo(0.99);
              assertThat(f.ratio()).isGreaterThan(1.5);
            });
  }

  /** About 4 ms, log-normal. */
  private static long normalCall(Random random) {
    return Math.max(1, Math.round(Math.exp(Math.log(4) + 0.35 * random.nextGaussian())));
  }
}
