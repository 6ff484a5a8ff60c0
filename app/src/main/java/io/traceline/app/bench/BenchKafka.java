package io.traceline.app.bench;

import io.traceline.app.demo.PipelineTopics;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The Kafka side that the correlator benchmarks share: an embedded broker with the correlator's
 * topics, the producer that loads the input before anything is measured, and the probe that says
 * how much of a topic a consumer group has not committed yet. Stateless.
 */
final class BenchKafka {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private BenchKafka() {}

  /**
   * Starts an embedded broker (data in a temporary directory) with every topic of the pipeline
   * ({@link PipelineTopics}), the keyed ones with {@code partitions} partitions. The caller closes
   * it.
   */
  static EmbeddedKafka startBroker(int partitions) {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      PipelineTopics.create(kafka, partitions);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /**
   * A producer of events as ingest configures its own ({@code acks=all}, idempotent, lz4), with
   * large batches and a longer linger so that loading millions of events takes seconds. The caller
   * closes it.
   */
  static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /** An event's record as ingest publishes it: keyed by trace id, the writer's JSON, marked so. */
  static ProducerRecord<String, byte[]> eventRecord(String topic, LogEvent event) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(Json.CANONICAL_EVENT_HEADER, Json.canonicalEventForm());
    return new ProducerRecord<>(topic, null, event.traceId(), Json.writeEvent(event), headers);
  }

  /** An admin client of the broker. The caller closes it. */
  static Admin admin(String bootstrapServers) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /** The committed end offset (read_committed) of each of the topic's partitions. */
  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    get(
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(),
            "the end offsets of " + topic)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /**
   * Records before {@code ends} that consumer group {@code group} has not committed yet: the sum
   * over the partitions of end offset minus committed offset (all of a partition it never
   * committed). Zero once the group has processed everything up to {@code ends}.
   */
  static long uncommitted(Admin admin, String group, Map<TopicPartition, Long> ends) {
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
            "the committed offsets of " + group);
    long behind = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(end.getKey());
      behind += Math.max(0, end.getValue() - (c == null ? 0 : c.offset()));
    }
    return behind;
  }

  /**
   * Deletes every topic whose name starts with {@code prefix} (a Streams application's internal
   * topics: its application id and a dash) and waits until the broker has accepted the deletion, so
   * that the broker does not compact them while later passes are measured.
   */
  static void deleteTopics(Admin admin, String prefix) {
    List<String> topics =
        get(admin.listTopics().names(), "the topics").stream()
            .filter(t -> t.startsWith(prefix))
            .toList();
    if (!topics.isEmpty()) {
      get(admin.deleteTopics(topics).all(), "the deletion of " + topics);
    }
  }

  /** Deletes a directory tree that a benchmark created; a failure is reported, not thrown. */
  static void deleteQuietly(Path dir, PrintWriter err) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException | UncheckedIOException e) {
      err.println("traceline bench: could not delete " + dir + ": " + e);
    }
  }

  private static <T> T get(KafkaFuture<T> future, String what) {
    try {
      return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + what, e);
    }
  }
}
