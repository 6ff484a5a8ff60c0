package io.traceline.app.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.embedded.junit.OpenSearchExtension;
import io.traceline.model.Json;
import io.traceline.model.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code traceline sink} end to end on a real broker and the real OpenSearch: a timeline on the
 * topic is searchable through the alias, the offset is committed, and a stop request (as SIGTERM)
 * ends the command with exit code 0.
 */
@ExtendWith({EmbeddedKafkaExtension.class, OpenSearchExtension.class})
@Timeout(120)
class SinkCommandIT {

  @Test
  void indexesUntilStoppedThenExitsZero(EmbeddedKafka kafka, EmbeddedOpenSearch search)
      throws Exception {
    kafka.createTopic(Topics.TIMELINES, 1);
    kafka.createTopic(Topics.ALERTS, 1);
    kafka.createTopic(Topics.SERVICE_EDGES, 1);
    kafka.createTopic(Topics.DLQ, 1);
    String trace = "0123456789abcdef0123456789abcdef";
    long start = System.currentTimeMillis();
    String timeline =
        "{\"traceId\":\""
            + trace
            + "\",\"revision\":1,\"status\":\"COMPLETE\",\"startTime\":"
            + start
            + ",\"endTime\":"
            + (start + 10)
            + ",\"durationMs\":10}";
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.TIMELINES, trace, timeline.getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }

    SinkCommand command = new SinkCommand(Map.of());
    CommandLine cl = new CommandLine(command);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Future<Integer> exit =
          runner.submit(
              () ->
                  cl.execute(
                      "--bootstrap-servers",
                      kafka.bootstrapServers(),
                      "--group-id",
                      "sink-command-it",
                      "--opensearch",
                      search.httpUri().toString()));

      TopicPartition partition = new TopicPartition(Topics.TIMELINES, 0);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      OffsetAndMetadata committed = null;
      while (committed == null || committed.offset() < 1) {
        assertThat(System.nanoTime()).as("waiting for the commit").isLessThan(deadline);
        assertThat(exit.isDone()).as("the command runs").isFalse();
        committed =
            admin
                .listConsumerGroupOffsets("sink-command-it")
                .partitionsToOffsetAndMetadata()
                .get()
                .get(partition);
        admin.describeCluster().nodes().get(30, TimeUnit.SECONDS); // a round trip, not a sleep
      }
      JsonNode hits = search(search, "/traceline-timelines/_search?q=traceId:" + trace);
      assertThat(hits.path("total").path("value").asInt()).isEqualTo(1);
      assertThat(hits.path("hits").get(0).path("_source").path("durationMs").asInt()).isEqualTo(10);

      command.requestStop();
      assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    } finally {
      runner.shutdownNow();
    }
  }

  private static JsonNode search(EmbeddedOpenSearch search, String path) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    http.send(
        HttpRequest.newBuilder(search.httpUri().resolve("/traceline-timelines/_refresh"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.discarding());
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(search.httpUri().resolve(path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body()).path("hits");
  }
}
