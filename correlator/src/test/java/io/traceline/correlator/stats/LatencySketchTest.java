package io.traceline.correlator.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LatencySketchTest {

  @Test
  void quantilesAreWithinOnePercentOfTheExactValues() {
    Random random = new Random(7);
    double[] values = new double[20_000];
    LatencySketch sketch = LatencySketch.empty();
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.exp(random.nextGaussian() * 1.5 + 3); // log-normal, like latencies
      sketch.add(values[i]);
    }
    Arrays.sort(values);

    for (double q : new double[] {0.5, 0.9, 0.99}) {
      double exact = values[(int) Math.ceil(q * values.length) - 1];
      assertThat(sketch.quantile(q)).isCloseTo(exact, within(exact * 0.011));
    }
    assertThat(sketch.count()).isEqualTo(values.length);
  }

  @Test
  void survivesItsBinaryFormAndMergesLikeOneSketch() {
    LatencySketch a = LatencySketch.empty();
    LatencySketch b = LatencySketch.empty();
    LatencySketch both = LatencySketch.empty();
    for (int i = 1; i <= 1000; i++) {
      (i % 2 == 0 ? a : b).add(i);
      both.add(i);
    }

    LatencySketch merged = LatencySketch.fromBytes(a.toBytes());
    merged.mergeBytes(b.toBytes());

    assertThat(merged.count()).isEqualTo(1000);
    assertThat(merged.quantile(0.99)).isEqualTo(both.quantile(0.99));
    assertThat(merged.quantile(0.5)).isEqualTo(both.quantile(0.5));
    assertThat(merged.max()).isCloseTo(1000, within(10.0));
  }

  @Test
  void zeroMillisecondCallsCountAndNonsenseIsIgnored() {
    LatencySketch sketch = LatencySketch.empty();
    sketch.add(0);
    sketch.add(-1);
    sketch.add(Double.NaN);
    sketch.add(Double.POSITIVE_INFINITY);

    assertThat(sketch.count()).isEqualTo(1);
    assertThat(sketch.quantile(0.5)).isLessThan(0.01);
  }

  @Test
  void rejectsBytesThatAreNoSketchAndAnEmptyQuantile() {
    assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[] {42, 42, 42}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencySketch.empty().quantile(0.5))
        .isInstanceOf(IllegalStateException.class);
  }
}
