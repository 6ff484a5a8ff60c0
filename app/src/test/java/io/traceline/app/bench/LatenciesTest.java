package io.traceline.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LatenciesTest {

  @Test
  void percentilesAreNearestRankOnTheSortedSample() {
    long[] values = LongStream.rangeClosed(1, 1000).map(i -> 1001 - i).toArray();

    Latencies l = Latencies.of(values);

    assertThat(l).isEqualTo(new Latencies(1000, 1, 500, 990, 1000));
    assertThat(values[0]).as("the sample is not sorted in place").isEqualTo(1000);
  }

  @Test
  void smallSamplesTakeTheValueAtTheRank() {
    assertThat(Latencies.of(new long[] {7})).isEqualTo(new Latencies(1, 7, 7, 7, 7));
    assertThat(Latencies.of(new long[] {-3, 10, 4})).isEqualTo(new Latencies(3, -3, 4, 10, 10));
    assertThatThrownBy(() -> Latencies.of(new long[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
