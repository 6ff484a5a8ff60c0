package io.traceline.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheCapWithJitterBetweenHalfAndAll() {
    Backoff top = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.999_999);
    Backoff bottom = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0);
    long[] ceilings = {100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000};
    for (long ceiling : ceilings) {
      assertThat(top.next().toMillis()).isEqualTo(ceiling - 1);
      assertThat(bottom.next().toMillis()).isEqualTo(ceiling / 2);
    }
    assertThat(top.attempts()).isEqualTo(ceilings.length);
    for (int i = 0; i < 100; i++) {
      assertThat(top.next()).isLessThanOrEqualTo(Duration.ofSeconds(10));
    }
  }
}
