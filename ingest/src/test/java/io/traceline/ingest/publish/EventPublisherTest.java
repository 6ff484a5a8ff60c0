package io.traceline.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.ingest.DeadLetter;
import io.traceline.ingest.Fixtures;
import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.model.DeadLetters;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routing, keys, headers and failure counting, against Kafka's MockProducer. */
@Timeout(30)
class EventPublisherTest {

  private static final Source SOURCE = new Source("cw-logs", "shardId-000000000002", "49600");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordProcessor processor = new RecordProcessor(registry);

  @Test
  void routesKeyedUnkeyedLinksAndDeadLetters() throws Exception {
    MockProducer<byte[], byte[]> producer = producer(true);
    try (EventPublisher publisher = new EventPublisher(producer, registry)) {
      EventPublisher.Publication lambda =
          publisher.publish(
              processor.process(Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START), SOURCE));
      EventPublisher.Publication bad =
          publisher.publish(
              processor.process("H4sIAAAA".getBytes(StandardCharsets.US_ASCII), SOURCE));

      assertThat(lambda.await()).isZero();
      assertThat(bad.await()).isZero();
      assertThat(lambda.isDone()).isTrue();

      List<ProducerRecord<byte[], byte[]>> sent = producer.history();
      assertThat(sent).hasSize(9);
      List<ProducerRecord<byte[], byte[]>> events =
          sent.stream().filter(r -> r.topic().equals(Topics.EVENTS)).toList();
      assertThat(events).hasSize(7);
      assertThat(events)
          .allSatisfy(
              r -> {
                assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
                LogEvent event = Json.readEvent(r.value());
                assertThat(event.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
              });
      // The invocation's request link, keyed by its log stream like unkeyed events.
      ProducerRecord<byte[], byte[]> link = sent.get(7);
      assertThat(link.topic()).isEqualTo(Topics.REQUEST_LINKS);
      RequestLink value = Json.readLink(link.value());
      assertThat(value.requestId()).isEqualTo("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60");
      assertThat(value.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
      assertThat(value.startTime()).isNotNull();
      assertThat(new String(link.key(), StandardCharsets.UTF_8)).isEqualTo(value.streamKey());
      assertThat(value.streamKey()).startsWith("/aws/lambda/orders-api|");
      ProducerRecord<byte[], byte[]> dlq = sent.get(8);
      assertThat(dlq.topic()).isEqualTo(Topics.DLQ);
      assertThat(dlq.value()).isEqualTo("H4sIAAAA".getBytes(StandardCharsets.US_ASCII));
      assertThat(header(dlq, DeadLetters.REASON)).isEqualTo("not-gzip");
      assertThat(header(dlq, DeadLetters.STAGE)).isEqualTo("ingest");
      assertThat(header(dlq, DeadLetters.SOURCE)).isEqualTo("cw-logs");
      assertThat(header(dlq, DeadLetters.SHARD)).isEqualTo("shardId-000000000002");
      assertThat(header(dlq, DeadLetters.SEQUENCE)).isEqualTo("49600");
      assertThat(header(dlq, DeadLetters.DETAIL)).contains("base64");
    }
    assertThat(producer.closed()).isTrue();
    assertThat(registry.get(EventPublisher.PUBLISHED).tag("topic", Topics.EVENTS).counter().count())
        .isEqualTo(7);
    assertThat(
            registry
                .get(EventPublisher.PUBLISHED)
                .tag("topic", Topics.REQUEST_LINKS)
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void unkeyedEventsAreKeyedByLogGroupAndStream() throws Exception {
    MockProducer<byte[], byte[]> producer = producer(true);
    Outcome outcome =
        new Outcome(
            SOURCE,
            List.of(),
            List.of(
                LogEvent.builder()
                    .id("1")
                    .logGroup("/ecs/orders-svc")
                    .logStream("app/orders/1")
                    .message("GET /health 200")
                    .build()),
            List.of(),
            0);
    try (EventPublisher publisher = new EventPublisher(producer, registry)) {
      assertThat(publisher.publish(outcome).await()).isZero();
    }

    ProducerRecord<byte[], byte[]> record = producer.history().get(0);
    assertThat(record.topic()).isEqualTo(Topics.UNKEYED);
    assertThat(new String(record.key(), StandardCharsets.UTF_8))
        .isEqualTo("/ecs/orders-svc|app/orders/1");
  }

  @Test
  void aTransactionStopsSendingAtItsFirstFailedSendAndNeverCommits() {
    MockProducer<byte[], byte[]> producer = producer(true);
    List<LogEvent> events = new java.util.ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      events.add(
          LogEvent.builder()
              .id(Integer.toString(i))
              .logGroup("/ecs/orders-svc")
              .logStream("app/orders/1")
              .message("line " + i)
              .build());
    }
    Outcome outcome = new Outcome(SOURCE, List.of(), events, List.of(), 0);
    try (EventPublisher publisher = new EventPublisher(producer, registry)) {
      publisher.initTransactions();
      publisher.beginTransaction();
      // what a send does after max.block.ms while the cluster is unreachable
      producer.sendException = new org.apache.kafka.common.errors.TimeoutException("no metadata");
      var unused = publisher.publish(outcome);
      producer.sendException = null;
      var unused2 = publisher.publish(outcome); // skipped: the transaction is lost anyway

      assertThat(producer.history()).isEmpty();
      assertThatThrownBy(publisher::checkTransaction)
          .isInstanceOf(org.apache.kafka.common.KafkaException.class)
          .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
      assertThatThrownBy(publisher::commitTransaction)
          .isInstanceOf(org.apache.kafka.common.KafkaException.class);
      assertThat(producer.transactionCommitted()).isFalse();
      publisher.abortTransaction();
      assertThat(producer.transactionAborted()).isTrue();
      assertThat(
              registry
                  .get(EventPublisher.PUBLISH_FAILURES)
                  .tag("topic", Topics.UNKEYED)
                  .counter()
                  .count())
          .as("the failed send is counted, the skipped ones are not sends")
          .isEqualTo(1.0);

      publisher.beginTransaction(); // the next transaction starts clean
      var unused3 = publisher.publish(outcome);
      publisher.commitTransaction();
      assertThat(producer.history()).hasSize(3);
    }
  }

  @Test
  void detailHeaderIsCutToOneKibibyteOnACharacterBoundary() {
    String detail = "é".repeat(1000); // 2000 bytes in UTF-8
    ProducerRecord<byte[], byte[]> record =
        EventPublisher.deadLetterRecord(
            new DeadLetter("not-json", detail, new byte[] {1}, new Source("file.gz", null, "3")));

    byte[] value = record.headers().lastHeader(DeadLetters.DETAIL).value();
    assertThat(value.length).isEqualTo(1024);
    assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("é".repeat(512));
    assertThat(record.headers().lastHeader(DeadLetters.SHARD)).isNull();
  }

  @Test
  void eachPublicationReportsItsOwnFailuresOnly() throws Exception {
    MockProducer<byte[], byte[]> producer = producer(false);
    try (EventPublisher publisher = new EventPublisher(producer, registry)) {
      // Two shard readers publish; only the first one's sends fail.
      EventPublisher.Publication first =
          publisher.publish(
              processor.process(Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS), SOURCE));
      producer.errorNext(new TimeoutException("no broker"));
      producer.completeNext();
      producer.errorNext(new TimeoutException("no broker"));
      EventPublisher.Publication second =
          publisher.publish(
              processor.process(Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS), SOURCE));

      assertThat(second.await()).isZero();
      assertThat(first.await()).isEqualTo(2);
      assertThat(publisher.failedSends()).isEqualTo(2);
    }
    assertThat(
            registry
                .get(EventPublisher.PUBLISH_FAILURES)
                .tag("topic", Topics.EVENTS)
                .counter()
                .count())
        .isEqualTo(2);
  }

  @Test
  void anOversizedDeadLetterIsCutWithItsSizeAndDigestInHeaders() {
    byte[] payload = new byte[1024 * 1024];
    payload[payload.length - 1] = 7;
    ProducerRecord<byte[], byte[]> record =
        EventPublisher.deadLetterRecord(
            new DeadLetter("not-gzip", "", payload, new Source("stream", "shard-1", "9")));

    assertThat(record.value()).hasSize(EventPublisher.MAX_DLQ_PAYLOAD_BYTES);
    assertThat(header(record, DeadLetters.PAYLOAD_SIZE))
        .isEqualTo(Integer.toString(payload.length));
    assertThat(header(record, DeadLetters.PAYLOAD_SHA256)).hasSize(64).matches("[0-9a-f]+");
    ProducerRecord<byte[], byte[]> small =
        EventPublisher.deadLetterRecord(
            new DeadLetter("not-gzip", "", new byte[] {1, 2}, new Source("stream", null, "9")));
    assertThat(small.value()).containsExactly(1, 2);
    assertThat(small.headers().lastHeader(DeadLetters.PAYLOAD_SIZE)).isNull();
  }

  @Test
  void configDefaultsAndValidation() {
    Map<String, Object> config =
        EventPublisher.effectiveConfig(
            Map.of("bootstrap.servers", "localhost:9092", "linger.ms", 20));

    assertThat(config)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 20)
        .containsEntry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    assertThatThrownBy(
            () ->
                EventPublisher.effectiveConfig(Map.of("acks", "1", "enable.idempotence", "false")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrap.servers is required")
        .hasMessageContaining("acks must be all")
        .hasMessageContaining("enable.idempotence must be true");
  }

  private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
