package io.traceline.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.ingest.Fixtures;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.DeadLetters;
import io.traceline.model.EventKind;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Publishes real fixture records through a real (embedded KRaft) broker and reads them back. */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EventPublisherIT {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Source SOURCE =
      new Source("cw-logs-stream", "shardId-000000000000", "49650000000000000000000000001");

  @BeforeAll
  static void topics(EmbeddedKafka kafka) {
    kafka.createTopic(Topics.EVENTS, 3);
    kafka.createTopic(Topics.UNKEYED, 1);
    kafka.createTopic(Topics.REQUEST_LINKS, 1);
    kafka.createTopic(Topics.DLQ, 1);
  }

  @Test
  void publishesEventsUnkeyedLinksAndDeadLettersToTheRealBroker(EmbeddedKafka kafka) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordProcessor processor = new RecordProcessor(registry);
    byte[] doubleBase64 =
        Fixtures.base64(Fixtures.CONTROL_MESSAGE).getBytes(StandardCharsets.US_ASCII);

    try (EventPublisher publisher =
        new EventPublisher(Map.of("bootstrap.servers", kafka.bootstrapServers()), registry)) {
      publisher.publish(
          processor.process(Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START), SOURCE));
      publisher.publish(
          processor.process(Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS), SOURCE));
      publisher.publish(processor.process(Fixtures.kinesisData(Fixtures.CONTROL_MESSAGE), SOURCE));
      publisher.publish(processor.process(doubleBase64, SOURCE));
      publisher.publish(
          processor.processDecoded(
              new SubscriptionMessage(
                  "DATA_MESSAGE",
                  "123456789012",
                  "/ecs/orders-svc",
                  "app/orders/1",
                  List.of(),
                  List.of(new CloudWatchEvent("1", 1763111555000L, "GET /health 200\n"))),
              SOURCE));

      publisher.flush();
      assertThat(publisher.failedSends()).isZero();
    }

    List<ConsumerRecord<byte[], byte[]>> events = readAll(kafka, Topics.EVENTS, 10);
    assertThat(events).hasSize(10);
    List<LogEvent> decoded = events.stream().map(r -> Json.readEvent(r.value())).toList();
    assertThat(events)
        .allSatisfy(
            r -> {
              assertThat(new String(r.key(), StandardCharsets.UTF_8))
                  .isEqualTo(Json.readEvent(r.value()).traceId());
              // marked as the writer's JSON, so that the correlator keeps it as it is
              assertThat(r.value()).isEqualTo(Json.writeEvent(Json.readEvent(r.value())));
              assertThat(header(r, Json.CANONICAL_EVENT_HEADER))
                  .isEqualTo(Json.CANONICAL_EVENT_FORM);
            });
    // one trace, one partition: the 7 Lambda lines and the 502 access log of the same request
    List<ConsumerRecord<byte[], byte[]>> coldStart =
        events.stream()
            .filter(
                r ->
                    new String(r.key(), StandardCharsets.UTF_8)
                        .equals("6916f2828c41d2a7e5b03f19a6d4c2e1"))
            .toList();
    assertThat(coldStart).hasSize(8);
    assertThat(coldStart)
        .extracting(ConsumerRecord::partition)
        .containsOnly(coldStart.get(0).partition());
    assertThat(decoded)
        .filteredOn(e -> e.kind() == EventKind.LAMBDA_REPORT)
        .singleElement()
        .satisfies(e -> assertThat(e.durationMs()).isEqualTo(1984.93));

    List<ConsumerRecord<byte[], byte[]>> unkeyed = readAll(kafka, Topics.UNKEYED, 1);
    assertThat(unkeyed)
        .singleElement()
        .satisfies(
            r ->
                assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo("/ecs/orders-svc|app/orders/1"));

    // The cold start's request link, on the partition of its log stream's unkeyed events.
    List<ConsumerRecord<byte[], byte[]>> links = readAll(kafka, Topics.REQUEST_LINKS, 1);
    assertThat(links)
        .singleElement()
        .satisfies(
            r -> {
              RequestLink link = Json.readLink(r.value());
              assertThat(link.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
              assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(link.streamKey());
            });

    List<ConsumerRecord<byte[], byte[]>> dlq = readAll(kafka, Topics.DLQ, 1);
    assertThat(dlq)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.value()).isEqualTo(doubleBase64);
              assertThat(header(r, DeadLetters.REASON)).isEqualTo("not-gzip");
              assertThat(header(r, DeadLetters.STAGE)).isEqualTo("ingest");
              assertThat(header(r, DeadLetters.SOURCE)).isEqualTo("cw-logs-stream");
              assertThat(header(r, DeadLetters.SHARD)).isEqualTo("shardId-000000000000");
              assertThat(header(r, DeadLetters.SEQUENCE))
                  .isEqualTo("49650000000000000000000000001");
            });
    assertThat(registry.get(EventPublisher.PUBLISHED).tag("topic", Topics.EVENTS).counter().count())
        .isEqualTo(10);
  }

  /** Reads {@code topic} from the beginning until {@code expected} records arrived (bounded). */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      EmbeddedKafka kafka, String topic, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "ingest-it-" + topic,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(250)).forEach(records::add);
      }
      // one more short poll: nothing beyond what was expected
      consumer.poll(Duration.ofMillis(250)).forEach(records::add);
    }
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
