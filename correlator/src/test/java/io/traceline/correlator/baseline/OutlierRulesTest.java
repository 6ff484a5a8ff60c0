package io.traceline.correlator.baseline;

import static io.traceline.correlator.baseline.Samples.CURRENCY;
import static io.traceline.correlator.baseline.Samples.DB;
import static io.traceline.correlator.baseline.Samples.ROUTE;
import static io.traceline.correlator.baseline.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.traceline.model.FlagType;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Timeline.Hop;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class OutlierRulesTest {

  private static final OutlierRules RULES =
      new OutlierRules(0.99, 1.5, 20, 50, 0.95, Duration.ofHours(1));

  /** A baseline of {@code traces} requests: p99 200 ms, currency p99 82 ms, db in 97%. */
  private static RouteBaseline baseline(long traces) {
    TreeMap<Hop, RouteBaseline.HopBaseline> hops = new TreeMap<>(HopCodec.ORDER);
    hops.put(ROUTE, new RouteBaseline.HopBaseline(traces, traces, 40));
    hops.put(CURRENCY, new RouteBaseline.HopBaseline(traces, traces, 82));
    hops.put(DB, new RouteBaseline.HopBaseline(traces * 97 / 100, traces * 97 / 100, 1.2));
    return new RouteBaseline(traces, traces, 200.0, hops);
  }

  @ParameterizedTest(name = "p99 {0} ms, observed {1} ms -> flagged {2}")
  @CsvSource({
    // the ratio decides above 40 ms (1.5 x p99 > p99 + 20 ms)
    "200, 299, false",
    "200, 300, true",
    "200, 1000, true",
    // the delta decides below 40 ms
    "2, 3, false",
    "2, 21, false",
    "2, 22, true",
    "40, 60, true",
    "40, 59, false",
    // a zero baseline still needs the delta
    "0, 19, false",
    "0, 20, true",
  })
  void anOutlierIsAtLeastRatioTimesAndDeltaAboveTheBaseline(
      double p99, long observed, boolean flagged) {
    assertThat(observed >= RULES.threshold(p99)).isEqualTo(flagged);
  }

  @Test
  void aSlowRequestIsALatencyOutlierWithItsBaseline() {
    List<Flag> flags = RULES.flags(sample(0, 40, 350, 1L), baseline(500));

    Flag latency = flags.get(0);
    assertThat(latency.type()).isEqualTo(FlagType.LATENCY_OUTLIER);
    assertThat(latency.service()).isEqualTo("frontend");
    assertThat(latency.operation()).isEqualTo("GET /product");
    assertThat(latency.observed()).isEqualTo(391.0);
    assertThat(latency.threshold()).isEqualTo(200.0);
    assertThat(latency.quantile()).isEqualTo(0.99);
    assertThat(latency.ratio()).isCloseTo(1.955, within(1e-9));
    assertThat(latency.reason())
        .isEqualTo(
            "request frontend GET /product took 391 ms, p99 of the last hour is 200 ms (2.0x)");
  }

  @Test
  void aSlowHopIsASegmentOutlierNamingTheHop() {
    List<Flag> flags = RULES.flags(sample(0, 40, 201, 1L), baseline(500));

    assertThat(flags).extracting(Flag::type).containsExactly(FlagType.SEGMENT_OUTLIER);
    Flag segment = flags.get(0);
    assertThat(segment.service()).isEqualTo("currencyservice");
    assertThat(segment.operation()).isEqualTo("Convert");
    assertThat(segment.observed()).isEqualTo(201.0);
    assertThat(segment.threshold()).isEqualTo(82.0);
    assertThat(segment.quantile()).isEqualTo(0.99);
    assertThat(segment.ratio()).isCloseTo(2.45, within(0.01));
    assertThat(segment.reason())
        .isEqualTo(
            "currencyservice Convert took 201 ms of its own time, p99 of the last hour is 82 ms"
                + " (2.5x)");
  }

  @Test
  void nothingIsFlaggedBeforeTheMinimumOfSamples() {
    TraceSample awful = sample(0, 4_000, 9_000, null);
    assertThat(RULES.flags(awful, baseline(49))).isEmpty();
    assertThat(RULES.flags(awful, RouteBaseline.EMPTY)).isEmpty();
    assertThat(RULES.flags(awful, baseline(50)))
        .extracting(Flag::type)
        .containsExactly(
            FlagType.LATENCY_OUTLIER,
            FlagType.SEGMENT_OUTLIER,
            FlagType.SEGMENT_OUTLIER,
            FlagType.MISSING_HOP);
  }

  @Test
  void aHopUsuallyThereButAbsentIsMissing() {
    List<Flag> flags = RULES.flags(sample(0, 40, 80, null), baseline(1_000));

    assertThat(flags).hasSize(1);
    Flag missing = flags.get(0);
    assertThat(missing.type()).isEqualTo(FlagType.MISSING_HOP);
    assertThat(missing.service()).isEqualTo("db");
    assertThat(missing.operation()).isNull();
    assertThat(missing.threshold()).isEqualTo(0.97);
    assertThat(missing.observed()).isNull();
    assertThat(missing.reason())
        .isEqualTo(
            "db was in 97% of the last hour's frontend GET /product requests, not in this one");
  }

  @Test
  void aHopLessPresentThanTheThresholdOrAnIncompleteRequestIsNotMissing() {
    OutlierRules strict = new OutlierRules(0.99, 1.5, 20, 50, 0.98, Duration.ofHours(1));
    assertThat(strict.flags(sample(0, 40, 80, null), baseline(1_000))).isEmpty();

    TraceSample truncated =
        new TraceSample(ROUTE, 0, 120, sample(0, 40, 80, null).hops(), false, false);
    assertThat(RULES.flags(truncated, baseline(1_000))).isEmpty();
  }

  @Test
  void aNormalRequestIsNotFlagged() {
    assertThat(RULES.flags(sample(0, 40, 82, 1L), baseline(1_000))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "0.99, PT1H, p99, hour",
    "0.999, PT2H, p99.9, 2 hours",
    "0.5, PT30M, p50, 30 minutes",
    "0.9, PT90S, p90, 90 seconds"
  })
  void reasonsNameTheQuantileAndTheWindow(
      double q, Duration window, String quantileName, String windowName) {
    OutlierRules rules = new OutlierRules(q, 1.5, 20, 50, 0.95, window);
    assertThat(rules.quantileName()).isEqualTo(quantileName);
    assertThat(rules.windowName()).isEqualTo(windowName);
  }

  @Test
  void rulesRejectNonsense() {
    Duration h = Duration.ofHours(1);
    assertThatThrownBy(() -> new OutlierRules(1.0, 1.5, 20, 50, 0.95, h))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OutlierRules(0.99, 0.5, 20, 50, 0.95, h))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OutlierRules(0.99, Double.NaN, 20, 50, 0.95, h))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OutlierRules(0.99, 1.5, 20, 0, 0.95, h))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OutlierRules(0.99, 1.5, 20, 50, 0, h))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
