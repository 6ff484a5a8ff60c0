package io.traceline.ingest.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CheckpointTest {

  @Test
  void roundTripsThroughJson() {
    Checkpoint checkpoint =
        new Checkpoint("49650000000000000000000000001", false, 1763111555000L, "ti-logs-0");
    assertThat(Checkpoint.fromJson(checkpoint.toJson())).isEqualTo(checkpoint);
    Checkpoint end = new Checkpoint(null, true, 5L, "ti-logs-0");
    assertThat(Checkpoint.fromJson(end.toJson())).isEqualTo(end);
  }

  @Test
  void sequenceNumbersStayStringsBeyondSixtyFourBits() {
    String sequence = "49650000000000000000000000001234567890123456789012";
    byte[] json = new Checkpoint(sequence, false, 1L, "w").toJson();
    assertThat(new String(json, StandardCharsets.UTF_8)).contains('"' + sequence + '"');
    assertThat(Checkpoint.fromJson(json).sequenceNumber()).isEqualTo(sequence);
  }

  @Test
  void keysNameTheStreamAndTheShard() {
    String scope = KinesisSettings.defaults("logs").checkpointScope();
    byte[] key = Checkpoint.key(scope, "shardId-000000000001");
    assertThat(new String(key, StandardCharsets.UTF_8))
        .isEqualTo("traceline-ingest/logs/shardId-000000000001");
    assertThat(Checkpoint.shardOf(key, scope)).isEqualTo("shardId-000000000001");
    assertThat(Checkpoint.shardOf(key, "traceline-ingest/log")).isNull();
    assertThat(Checkpoint.shardOf(key, "other/logs")).as("another deployment's").isNull();
    assertThat(Checkpoint.shardOf(null, scope)).isNull();
  }

  @Test
  void rejectsWhatIsNotACheckpoint() {
    assertThatThrownBy(() -> Checkpoint.fromJson("[]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Checkpoint.fromJson("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Checkpoint.fromJson("{\"sequenceNumber\":\"1\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
