package io.traceline.app.ingest;

import static io.traceline.ingest.kinesis.KinesisTestStreams.WAIT;
import static io.traceline.ingest.kinesis.KinesisTestStreams.awaitEvents;
import static io.traceline.ingest.kinesis.KinesisTestStreams.client;
import static io.traceline.ingest.kinesis.KinesisTestStreams.createStream;
import static io.traceline.ingest.kinesis.KinesisTestStreams.eventIds;
import static io.traceline.ingest.kinesis.KinesisTestStreams.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.app.runtime.PrometheusText;
import io.traceline.app.runtime.StageProcess;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.Kinesalite;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.embedded.junit.KinesaliteExtension;
import io.traceline.model.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The crash test of the ingest issue: {@code traceline ingest} runs as its own process (the
 * distribution jar) against kinesalite and a real broker, is killed with SIGKILL mid-stream while
 * records keep arriving, and is started again; the second is ready on its admin port, shows its
 * counters and Kafka's producer metrics on {@code /metrics}, and is stopped with SIGTERM while
 * records keep arriving (exit 0); a third reads the rest. The set of events in {@code
 * traceline.events} equals the set put into Kinesis, none lost, none twice.
 */
@ExtendWith({KinesaliteExtension.class, EmbeddedKafkaExtension.class})
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class IngestCommandIT {

  private final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void topics(EmbeddedKafka kafka) {
    kafka.createTopic(Topics.EVENTS, 3);
    kafka.createTopic(Topics.UNKEYED, 1);
    kafka.createTopic(Topics.DLQ, 1);
  }

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void aKillMidStreamThenARestartLosesAndDuplicatesNothing(
      Kinesalite kinesalite, EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    String stream = "crash";
    Path config = dir.resolve("ingest.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "kafka:",
            "  bootstrapServers: " + kafka.bootstrapServers(),
            "  properties:",
            "    max.block.ms: '10000'",
            "aws:",
            "  region: us-east-1",
            "  endpoint: " + kinesalite.endpoint(),
            "kinesis:",
            "  stream: " + stream,
            "  maxRecordsPerRead: 4 # many small transactions, so the kill lands mid-stream",
            "  idleInterval: 200ms",
            "  shardSyncInterval: 1s",
            "  retryBase: 50ms",
            "  retryCap: 1s",
            ""),
        StandardCharsets.UTF_8);

    try (KinesisClient kinesis = client(kinesalite.endpoint())) {
      createStream(kinesis, stream, 2);
      List<String> ids = new ArrayList<>(put(kinesis, stream, 0, 120));

      Process first = start(config, dir.resolve("first.log")).process();
      awaitEvents(kafka, stream, 150);
      CompletableFuture<List<String>> more =
          CompletableFuture.supplyAsync(() -> put(kinesis, stream, 120, 120));
      awaitEvents(kafka, stream, 300);
      first.destroyForcibly(); // SIGKILL: no shutdown hook, an open transaction stays open
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int atKill = eventIds(kafka, stream).size();
      ids.addAll(more.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertThat(atKill).as("killed mid-stream").isLessThan(ids.size());

      try (StageProcess second = start(config, dir.resolve("second.log"))) {
        JsonNode ready = second.awaitReady(WAIT);
        assertThat(ready.path("detail").asText()).isEqualTo("producer initialised, shards known");
        awaitEvents(kafka, stream, ids.size());
        PrometheusText metrics = second.metrics();
        Map<String, String> ours = Map.of("stage", "ingest");
        assertThat(metrics.sum("traceline_ingest_records_total", ours)).isPositive();
        assertThat(metrics.sum("traceline_ingest_kinesis_shards", ours)).isEqualTo(2);
        assertThat(metrics.has("kafka_producer_record_send_total"))
            .as("Kafka's producer metrics are bound")
            .isTrue();

        CompletableFuture<List<String>> last =
            CompletableFuture.supplyAsync(() -> put(kinesis, stream, 240, 120));
        awaitEvents(kafka, stream, ids.size() + 30);
        assertThat(second.terminate(Duration.ofSeconds(60)))
            .as("SIGTERM mid-stream: finish the transaction in flight, exit 0")
            .isZero();
        ids.addAll(last.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(second.logText())
            .containsPattern("reading shardId-\\d+ from \\d{20,}") // resumed at a checkpoint
            .contains("stopping: finishing the transaction in flight");
      }
      assertThat(eventIds(kafka, stream).size()).as("stopped mid-stream").isLessThan(ids.size());

      try (StageProcess third = start(config, dir.resolve("third.log"))) {
        List<String> found = awaitEvents(kafka, stream, ids.size());
        assertThat(third.terminate(Duration.ofSeconds(60))).isZero();
        assertThat(found).containsExactlyInAnyOrderElementsOf(ids);
      }
      assertThat(eventIds(kafka, stream))
          .as("nothing arrived twice after either restart")
          .containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  private StageProcess start(Path config, Path log) throws IOException {
    StageProcess stage =
        StageProcess.start(
            "ingest",
            config,
            log,
            Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"),
            List.of("-Xmx256m", "-D" + Kinesalite.CBOR_PROPERTY + "=false"));
    processes.add(stage.process());
    return stage;
  }
}
