package io.traceline.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkSettingsTest {

  @Test
  void defaultsAreUsable() {
    assertThat(SinkSettings.of("127.0.0.1:9092").problems()).isEmpty();
  }

  @Test
  void listsEveryProblem() {
    SinkSettings settings =
        new SinkSettings(
            " ",
            "",
            0,
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ZERO,
            Map.of("enable.auto.commit", "true", "group.id", "x", "client.id", "ok"));
    assertThat(settings.problems())
        .containsExactly(
            "bootstrapServers must name at least one broker",
            "groupId must not be blank",
            "batchSize must be at least 1, was 0",
            "maxBackoff must be at least initialBackoff (PT2S)",
            "retentionInterval must be positive, was PT0S",
            "properties.enable.auto.commit is set by the sink (it commits itself); set that"
                + " instead",
            "properties.group.id is set by groupId; set that instead");
  }

  @Test
  void theConsumerReadsCommittedAndCommitsItself() {
    Map<String, Object> config =
        SinkService.consumerConfig(
            new SinkSettings(
                "k:9092",
                "g",
                200,
                Duration.ofMillis(100),
                Duration.ofSeconds(10),
                Duration.ofHours(1),
                Map.of("security.protocol", "SSL", "fetch.min.bytes", "1")));
    assertThat(config)
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("max.poll.records", 200)
        .containsEntry("group.id", "g")
        .containsEntry("security.protocol", "SSL");
    Map<String, Object> producer =
        SinkService.producerConfig(
            new SinkSettings(
                "k:9092",
                "g",
                200,
                Duration.ofMillis(100),
                Duration.ofSeconds(10),
                Duration.ofHours(1),
                Map.of("security.protocol", "SSL", "fetch.min.bytes", "1")));
    assertThat(producer)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("acks", "all")
        .doesNotContainKey("fetch.min.bytes");
  }
}
