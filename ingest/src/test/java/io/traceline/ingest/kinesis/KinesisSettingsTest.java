package io.traceline.ingest.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KinesisSettingsTest {

  @Test
  void theDefaultsAreValidAndAtKinesissLimits() {
    KinesisSettings settings = KinesisSettings.defaults("cw-logs");
    assertThat(settings.problems()).isEmpty();
    assertThat(settings.readsPerSecondPerShard()).isEqualTo(5);
    assertThat(settings.bytesPerSecondPerShard()).isEqualTo(2L * 1024 * 1024);
    assertThat(settings.maxRecordsPerRead()).isEqualTo(10_000);
    assertThat(settings.transactionalId()).isEqualTo("traceline-ingest-cw-logs-0");
    assertThat(settings.withInstance(2, 3).transactionalId())
        .isEqualTo("traceline-ingest-cw-logs-2");
  }

  @Test
  void listsEveryProblemAtOnce() {
    KinesisSettings bad =
        new KinesisSettings(
            "bad stream!",
            StartPosition.AT_TIMESTAMP,
            null,
            3,
            2,
            " ",
            0,
            6,
            3L * 1024 * 1024,
            Duration.ZERO,
            Duration.ofSeconds(-1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
    assertThat(bad.problems())
        .hasSize(10)
        .anySatisfy(p -> assertThat(p).startsWith("stream must be"))
        .anySatisfy(p -> assertThat(p).startsWith("startTimestamp is required"))
        .anySatisfy(p -> assertThat(p).startsWith("instanceIndex must be in [0, instanceCount)"))
        .anySatisfy(p -> assertThat(p).startsWith("transactionalIdPrefix"))
        .anySatisfy(p -> assertThat(p).startsWith("maxRecordsPerRead"))
        .anySatisfy(p -> assertThat(p).startsWith("readsPerSecondPerShard"))
        .anySatisfy(p -> assertThat(p).startsWith("bytesPerSecondPerShard"))
        .anySatisfy(p -> assertThat(p).startsWith("idleInterval"))
        .anySatisfy(p -> assertThat(p).startsWith("shardSyncInterval"))
        .anySatisfy(p -> assertThat(p).startsWith("retryCap"));
  }

  @Test
  void aTimestampBelongsToAtTimestampOnly() {
    KinesisSettings settings = KinesisSettings.defaults("logs");
    assertThat(settings.withStart(StartPosition.AT_TIMESTAMP, Instant.EPOCH).problems()).isEmpty();
    assertThat(settings.withStart(StartPosition.LATEST, Instant.EPOCH).problems())
        .containsExactly("startTimestamp is only used with startPosition AT_TIMESTAMP");
  }
}
