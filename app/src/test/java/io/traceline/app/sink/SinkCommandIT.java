package io.traceline.app.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.app.runtime.PrometheusText;
import io.traceline.app.runtime.StageProcess;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.embedded.junit.OpenSearchExtension;
import io.traceline.model.Json;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traceline sink} as a service, from the real distribution in its own JVM, on a real broker
 * and the real OpenSearch: ready on its admin port, its counters and Kafka's consumer metrics on
 * {@code /metrics}, JSON log lines with stage and instance, and a SIGTERM in the middle of the
 * stream: exit 0, what is indexed is exactly what is committed (the bulk in flight finishes and is
 * committed; when the consumer leaves its group the revoked partitions' acknowledged records are
 * committed too), and the next instance indexes the rest, so nothing is lost. {@code SinkServiceIT}
 * covers a close that cannot finish its request in flight.
 */
@ExtendWith({EmbeddedKafkaExtension.class, OpenSearchExtension.class})
@Timeout(240)
class SinkCommandIT {

  private static final int PARTITIONS = 2;
  private static final int TIMELINES = 3000;
  private static final String GROUP = "sink-command-it";
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void aSigtermMidStreamCommitsOnlyWhatIsIndexedAndTheNextInstanceIndexesTheRest(
      EmbeddedKafka kafka, EmbeddedOpenSearch search, @TempDir Path dir) throws Exception {
    kafka.createTopic(Topics.TIMELINES, PARTITIONS);
    kafka.createTopic(Topics.ALERTS, 1);
    kafka.createTopic(Topics.SERVICE_EDGES, 1);
    kafka.createTopic(Topics.DLQ, 1);
    produceTimelines(kafka);
    Path config = dir.resolve("sink.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "kafka:",
            "  bootstrapServers: " + kafka.bootstrapServers(),
            "  groupId: " + GROUP,
            "opensearch:",
            "  endpoints: [" + search.httpUri() + "]",
            "sink:",
            "  batchSize: 10 # many small bulks, so that the signal lands mid-stream",
            "runtime:",
            "  instance: sink-it-1",
            "  shutdownTimeout: 30s",
            ""),
        StandardCharsets.UTF_8);

    long committedAtStop;
    try (StageProcess first =
            StageProcess.start(
                "sink", config, dir.resolve("first.log"), Map.of(), List.of("-Xmx256m"));
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      JsonNode ready = first.awaitReady(WAIT);
      assertThat(ready.path("stage").asText()).isEqualTo("sink");
      assertThat(ready.path("instance").asText()).isEqualTo("sink-it-1");
      assertThat(first.get("/health/live").statusCode()).isEqualTo(200);

      PrometheusText metrics = awaitIndexed(first, 50);
      Map<String, String> ours = Map.of("stage", "sink", "instance", "sink-it-1");
      assertThat(metrics.sum("traceline_sink_documents_total", ours)).isGreaterThanOrEqualTo(50);
      assertThat(metrics.sum("traceline_sink_dead_letters_total", ours)).isZero();
      assertThat(metrics.has("kafka_consumer_fetch_manager_records_consumed_total"))
          .as("Kafka's consumer metrics are bound")
          .isTrue();
      assertThat(metrics.has("jvm_memory_used_bytes")).as("JVM metrics are bound").isTrue();

      assertThat(first.terminate(Duration.ofSeconds(45))).as("a clean stop exits 0").isZero();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      committedAtStop = 0;
      List<String> belowCommitted = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        OffsetAndMetadata offset = committed.get(new TopicPartition(Topics.TIMELINES, p));
        long upTo = offset == null ? 0 : offset.offset();
        committedAtStop += upTo;
        for (long o = 0; o < upTo; o++) {
          belowCommitted.add(traceId((int) (o * PARTITIONS + p)));
        }
      }
      assertThat(committedAtStop).as("the signal came mid-stream").isBetween(1L, TIMELINES - 1L);
      assertThat(count(search, belowCommitted))
          .as("every committed timeline is in OpenSearch")
          .isEqualTo(belowCommitted.size());
      assertThat(count(search, allTraceIds()))
          .as(
              "the bulk in flight at the signal finished and was committed: nothing indexed is"
                  + " left uncommitted")
          .isEqualTo(committedAtStop);

      List<JsonNode> lines = first.jsonLogLines();
      assertThat(lines)
          .as("JSON log lines, each with the stage and the instance")
          .isNotEmpty()
          .allSatisfy(
              line -> {
                assertThat(line.path("stage").asText()).isEqualTo("sink");
                assertThat(line.path("instance").asText()).isEqualTo("sink-it-1");
                assertThat(line.has("@timestamp")).isTrue();
              });
      assertThat(lines)
          .extracting(line -> line.path("message").asText())
          .anyMatch(message -> message.startsWith("stopping"));
    }

    try (StageProcess second =
        StageProcess.start(
            "sink",
            config,
            dir.resolve("second.log"),
            Map.of("TRACELINE_RUNTIME_INSTANCE", "sink-it-2"),
            List.of("-Xmx256m"))) {
      assertThat(second.awaitReady(WAIT).path("instance").asText()).isEqualTo("sink-it-2");
      List<String> all = allTraceIds();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (count(search, all) < TIMELINES) {
        assertThat(System.nanoTime()).as("the next instance indexes the rest").isLessThan(deadline);
        second.process().waitFor(500, TimeUnit.MILLISECONDS);
      }
      assertThat(second.terminate(Duration.ofSeconds(45))).isZero();
    }
  }

  /** Waits until the sink has indexed at least {@code n} documents; returns that scrape. */
  private static PrometheusText awaitIndexed(StageProcess sink, int n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      PrometheusText metrics = sink.metrics();
      double indexed = metrics.sum("traceline_sink_documents_total", Map.of("outcome", "indexed"));
      if (indexed >= n) {
        return metrics;
      }
      assertThat(System.nanoTime()).as("indexed %s of %s", indexed, n).isLessThan(deadline);
      sink.process().waitFor(20, TimeUnit.MILLISECONDS);
    }
  }

  /** Timeline i goes to partition i % PARTITIONS, so offset o of partition p holds o * P + p. */
  private static void produceTimelines(EmbeddedKafka kafka) throws Exception {
    long start = System.currentTimeMillis();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < TIMELINES; i++) {
        String trace = traceId(i);
        String timeline =
            "{\"traceId\":\""
                + trace
                + "\",\"revision\":1,\"status\":\"COMPLETE\",\"startTime\":"
                + (start + i)
                + ",\"endTime\":"
                + (start + i + 10)
                + ",\"durationMs\":10}";
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    Topics.TIMELINES,
                    i % PARTITIONS,
                    trace,
                    timeline.getBytes(StandardCharsets.UTF_8))));
      }
      for (Future<RecordMetadata> record : sent) {
        record.get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static List<String> allTraceIds() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < TIMELINES; i++) {
      all.add(traceId(i));
    }
    return all;
  }

  private static String traceId(int i) {
    return String.format(Locale.ROOT, "%032x", 0xabc0000L + i);
  }

  /** How many of {@code traceIds} have a timeline in OpenSearch. */
  private static long count(EmbeddedOpenSearch search, List<String> traceIds) throws Exception {
    if (traceIds.isEmpty()) {
      return 0;
    }
    search.send("POST", "/traceline-timelines/_refresh", null);
    String query =
        Json.MAPPER.writeValueAsString(
            Map.of("query", Map.of("terms", Map.of("traceId", traceIds))));
    var response = search.send("POST", "/traceline-timelines/_count", query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body()).path("count").asLong();
  }
}
