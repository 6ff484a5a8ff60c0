package io.traceline.correlator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.model.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CorrelatorSettingsTest {

  @Test
  void theDefaultsAreValidAndStitchForTwoMinutes() {
    CorrelatorSettings defaults = CorrelatorSettings.defaults();

    assertThat(defaults.problems()).isEmpty();
    assertThat(defaults.unkeyedTopic()).isEqualTo(Topics.UNKEYED);
    assertThat(defaults.requestLinksTopic()).isEqualTo(Topics.REQUEST_LINKS);
    assertThat(defaults.stitchHorizon()).isEqualTo(Duration.ofMinutes(2));
    assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
  }

  @Test
  void everyStitchingProblemIsListedAtOnce() {
    CorrelatorSettings bad =
        CorrelatorSettings.builder()
            .stitchHorizon(Duration.ZERO)
            .unkeyedTopic(Topics.EVENTS)
            .requestLinksTopic(" ")
            .build();

    assertThat(bad.problems())
        .anySatisfy(p -> assertThat(p).startsWith("stitchHorizon must be positive"))
        .anySatisfy(p -> assertThat(p).startsWith("requestLinksTopic must name a topic"))
        .anySatisfy(p -> assertThat(p).startsWith("unkeyedTopic must not be the inputTopic"));
    assertThatThrownBy(() -> CorrelatorTopology.build(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stitchHorizon");
  }

  @Test
  void theUnkeyedAndLinkTopicsMustDiffer() {
    CorrelatorSettings same =
        CorrelatorSettings.builder().requestLinksTopic(Topics.UNKEYED).build();

    assertThat(same.problems()).singleElement().asString().contains("must differ");
  }

  @Test
  void theBaselineDefaultsAreAnHourOfP99InFiveMinuteBuckets() {
    CorrelatorSettings d = CorrelatorSettings.defaults();

    assertThat(d.baselineWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(d.baselineBucket()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.baselineQuantile()).isEqualTo(0.99);
    assertThat(d.outlierRatio()).isEqualTo(1.5);
    assertThat(d.minOutlierDeltaMs()).isEqualTo(20);
    assertThat(d.minBaselineSamples()).isEqualTo(50);
    assertThat(d.missingHopPresence()).isEqualTo(0.95);
    assertThat(d.maxBaselineRoutes()).isEqualTo(1_000);
    assertThat(d.maxBaselineHopsPerRoute()).isEqualTo(64);
  }

  @Test
  void everyBaselineProblemIsListedAtOnce() {
    CorrelatorSettings bad =
        CorrelatorSettings.builder()
            .baselineBucket(Duration.ofMinutes(7))
            .baselineQuantile(1.0)
            .outlierRatio(0.9)
            .minOutlierDeltaMs(-1)
            .minBaselineSamples(0)
            .missingHopPresence(Double.NaN)
            .maxBaselineRoutes(0)
            .maxBaselineHopsPerRoute(0)
            .build();

    assertThat(bad.problems())
        .containsExactly(
            "baselineWindow (PT1H) must be a whole number of baselineBucket (PT7M), both in whole"
                + " milliseconds",
            "baselineQuantile must be between 0 and 1 (exclusive), was 1.0",
            "outlierRatio must be at least 1, was 0.9",
            "minOutlierDeltaMs must be zero or positive, was -1",
            "minBaselineSamples must be at least 1, was 0",
            "missingHopPresence must be in (0, 1], was NaN",
            "maxBaselineRoutes must be at least 1, was 0",
            "maxBaselineHopsPerRoute must be at least 1, was 0");
  }

  @Test
  void aBaselineWindowHoldsABoundedNumberOfPositiveBuckets() {
    assertThat(
            CorrelatorSettings.builder()
                .baselineBucket(Duration.ofSeconds(1))
                .baselineWindow(Duration.ofDays(1))
                .build()
                .problems())
        .containsExactly("baselineWindow must hold at most 1440 buckets, was 86400");
    assertThat(CorrelatorSettings.builder().baselineBucket(Duration.ZERO).build().problems())
        .containsExactly("baselineBucket must be positive, was PT0S");
    assertThat(CorrelatorSettings.builder().baselineWindow(null).build().problems())
        .containsExactly("baselineWindow must be positive, was null");
    assertThat(
            CorrelatorSettings.builder()
                .baselineBucket(Duration.ofNanos(1_500_000))
                .baselineWindow(Duration.ofMillis(3))
                .build()
                .problems())
        .hasSize(1);
  }
}
