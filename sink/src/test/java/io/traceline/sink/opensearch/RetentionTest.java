package io.traceline.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RetentionTest {

  private static final List<String> INDICES =
      List.of(
          "traceline-timelines-2026.09",
          "traceline-timelines-2026.10",
          "traceline-timelines-2026.11",
          "traceline-alerts-2026.09",
          "traceline-service-edges-2026.10",
          "traceline-timelines-archive",
          "other-2020.01");

  @Test
  void aMonthGoesOnceItsLastInstantIsOlderThanTheRetention() {
    Duration thirtyDays = Duration.ofDays(30);

    // October ends 2026-11-01T00:00Z; plus 30 days is 2026-12-01T00:00Z.
    assertThat(Retention.expired(INDICES, Instant.parse("2026-11-30T23:59:59Z"), thirtyDays))
        .containsExactly("traceline-timelines-2026.09", "traceline-alerts-2026.09");
    assertThat(Retention.expired(INDICES, Instant.parse("2026-12-01T00:00:00Z"), thirtyDays))
        .containsExactly(
            "traceline-timelines-2026.09",
            "traceline-timelines-2026.10",
            "traceline-alerts-2026.09",
            "traceline-service-edges-2026.10");
  }

  @Test
  void theCurrentMonthAndForeignIndicesAreNeverDeleted() {
    assertThat(
            Retention.expired(INDICES, Instant.parse("2026-11-21T00:00:00Z"), Duration.ofMillis(1)))
        .doesNotContain(
            "traceline-timelines-2026.11", "traceline-timelines-archive", "other-2020.01");
  }
}
