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
}
