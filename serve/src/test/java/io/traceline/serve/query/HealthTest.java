package io.traceline.serve.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.serve.query.Health.Stats;
import io.traceline.serve.query.Health.Verdict;
import org.junit.jupiter.api.Test;

class HealthTest {

  private static final Stats BASELINE = new Stats(1000, 5, 200.0);

  @Test
  void healthyWhenErrorsAndLatencyAreWhereTheyWere() {
    Verdict v = Health.judge(new Stats(200, 1, 220.0), BASELINE);
    assertThat(v.health()).isEqualTo(Health.HEALTHY);
    assertThat(v.latencyRatio()).isEqualTo(1.1);
    assertThat(v.reasons()).isEmpty();
  }

  @Test
  void latencyRatioDecidesAtOnePointThreeAndTwo() {
    assertThat(Health.judge(new Stats(100, 0, 259.0), BASELINE).health()).isEqualTo(Health.HEALTHY);
    assertThat(Health.judge(new Stats(100, 0, 260.0), BASELINE).health())
        .isEqualTo(Health.DEGRADED);
    Verdict critical = Health.judge(new Stats(100, 0, 400.0), BASELINE);
    assertThat(critical.health()).isEqualTo(Health.CRITICAL);
    assertThat(critical.reasons()).containsExactly("p99 400 ms is 2.0x the baseline's 200 ms");
  }

  @Test
  void errorRateMustBeHighAndAboveTheBaseline() {
    // 1% and 1.5x the baseline's 0.5%: degraded; 5% and 2x: critical.
    assertThat(Health.judge(new Stats(100, 1, 200.0), BASELINE).health())
        .isEqualTo(Health.DEGRADED);
    Verdict critical = Health.judge(new Stats(100, 5, 200.0), BASELINE);
    assertThat(critical.health()).isEqualTo(Health.CRITICAL);
    assertThat(critical.reasons()).containsExactly("5.0% of requests with errors, baseline 0.5%");
    // A service that always fails 10% is not worse than it was.
    Stats alwaysFailing = new Stats(1000, 100, 200.0);
    assertThat(Health.judge(new Stats(100, 10, 200.0), alwaysFailing).health())
        .isEqualTo(Health.HEALTHY);
  }

  @Test
  void theWorseOfErrorsAndLatencyWinsWithBothReasons() {
    Verdict v = Health.judge(new Stats(100, 2, 500.0), BASELINE);
    assertThat(v.health()).isEqualTo(Health.CRITICAL);
    assertThat(v.reasons()).hasSize(2);
  }

  @Test
  void latencyIsNotJudgedOnTooFewSamplesNorWithoutBaseline() {
    Verdict few = Health.judge(new Stats(Health.MIN_SAMPLES - 1, 0, 5000.0), BASELINE);
    assertThat(few.health()).isEqualTo(Health.HEALTHY);
    assertThat(few.latencyRatio()).isNull();
    Verdict fewBefore = Health.judge(new Stats(100, 0, 5000.0), new Stats(3, 0, 10.0));
    assertThat(fewBefore.latencyRatio()).isNull();
    Verdict newService = Health.judge(new Stats(100, 8, 5000.0), new Stats(0, 0, null));
    assertThat(newService.health()).isEqualTo(Health.CRITICAL);
    assertThat(newService.reasons()).containsExactly("8.0% of requests with errors (no baseline)");
    assertThat(Health.judge(new Stats(0, 0, null), BASELINE).health()).isEqualTo(Health.HEALTHY);
  }
}
