package io.traceline.ingest.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.Kinesalite;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.embedded.junit.KinesaliteExtension;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.aws.AwsClients;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.DeadLetters;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Topics;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * {@link KinesisIngest} between kinesalite (a real Kinesis API server) and a real KRaft broker:
 * every event put into Kinesis is in {@code traceline.events} exactly once, read with
 * read_committed, across a reshard, throttling, a poison record and the replacement of an instance.
 */
@ExtendWith({KinesaliteExtension.class, EmbeddedKafkaExtension.class})
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KinesisIngestIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int EVENTS_PER_MESSAGE = 5;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<KinesisIngest> running = new ArrayList<>();
  private final List<Future<?>> runs = new ArrayList<>();

  @BeforeAll
  static void topics(EmbeddedKafka kafka) {
    kafka.createTopic(Topics.EVENTS, 3);
    kafka.createTopic(Topics.UNKEYED, 1);
    kafka.createTopic(Topics.DLQ, 1);
  }

  /** Stops every reader and waits for it: each ended cleanly, none failed on its own. */
  private void stopAll() throws Exception {
    running.forEach(KinesisIngest::stop);
    for (Future<?> run : runs) {
      run.get(60, TimeUnit.SECONDS);
    }
    runs.clear();
  }

  @AfterEach
  void shutDown() throws Exception {
    running.forEach(KinesisIngest::stop);
    threads.shutdown();
    assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void readsEveryShardAcrossASplitParentBeforeChildren(Kinesalite kinesalite, EmbeddedKafka kafka)
      throws Exception {
    String stream = "reshard";
    try (KinesisClient kinesis = client(kinesalite.endpoint())) {
      createStream(kinesis, stream, 2);
      List<String> ids = new ArrayList<>();
      ids.addAll(put(kinesis, stream, 0, 30));
      start(settings(stream), kinesis, kafka, new SimpleMeterRegistry());
      awaitEvents(kafka, stream, ids.size() / 2);

      Shard parent = kinesis.listShards(b -> b.streamName(stream)).shards().get(0);
      BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
      BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
      kinesis.splitShard(
          b ->
              b.streamName(stream)
                  .shardToSplit(parent.shardId())
                  .newStartingHashKey(start.add(end).shiftRight(1).toString()));
      awaitActive(kinesis, stream);
      ids.addAll(put(kinesis, stream, 30, 30));

      assertThat(awaitEvents(kafka, stream, ids.size())).containsExactlyInAnyOrderElementsOf(ids);
      stopAll();
      assertThat(eventIds(kafka, stream)).containsExactlyInAnyOrderElementsOf(ids);

      List<ConsumerRecord<byte[], byte[]>> checkpoints = readAll(kafka, Topics.INGEST_CHECKPOINTS);
      long parentEnd = -1;
      List<Long> children = new ArrayList<>();
      List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
      for (ConsumerRecord<byte[], byte[]> record : checkpoints) {
        String shard = Checkpoint.shardOf(record.key(), stream);
        if (shard == null) {
          continue;
        }
        Checkpoint checkpoint = Checkpoint.fromJson(record.value());
        if (shard.equals(parent.shardId()) && checkpoint.shardEnd()) {
          parentEnd = record.offset();
        }
        for (Shard s : shards) {
          if (s.shardId().equals(shard) && parent.shardId().equals(s.parentShardId())) {
            children.add(record.offset());
          }
        }
      }
      assertThat(parentEnd).as("the parent was read to its end").isNotNegative();
      assertThat(children).as("the children were read").isNotEmpty();
      long parentEndOffset = parentEnd;
      assertThat(children)
          .as("every checkpoint of a child comes after the parent's end")
          .allSatisfy(offset -> assertThat(offset).isGreaterThan(parentEndOffset));
    }
  }

  @Test
  void throttledReadsBackOffAndLoseNothing(Kinesalite kinesalite, EmbeddedKafka kafka)
      throws Exception {
    String stream = "throttled";
    try (ThrottlingProxy proxy = new ThrottlingProxy(kinesalite.endpoint(), 2);
        KinesisClient direct = client(kinesalite.endpoint());
        KinesisClient throttled = client(proxy.endpoint())) {
      createStream(direct, stream, 2);
      List<String> ids = put(direct, stream, 0, 20);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      start(settings(stream), throttled, kafka, registry);
      assertThat(awaitEvents(kafka, stream, ids.size())).containsExactlyInAnyOrderElementsOf(ids);
      stopAll();
      assertThat(eventIds(kafka, stream)).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(proxy.throttled()).isPositive();
      assertThat(registry.get(KinesisIngest.READS).tag("outcome", "throttled").counter().count())
          .isEqualTo(proxy.throttled());
    }
  }

  @Test
  void aPoisonRecordGoesToTheDlqWithItsShardAndSequence(Kinesalite kinesalite, EmbeddedKafka kafka)
      throws Exception {
    String stream = "poison";
    try (KinesisClient kinesis = client(kinesalite.endpoint())) {
      createStream(kinesis, stream, 1);
      List<String> ids = new ArrayList<>(put(kinesis, stream, 0, 3));
      PutRecordResponse poison =
          kinesis.putRecord(
              b ->
                  b.streamName(stream)
                      .partitionKey("poison")
                      .data(SdkBytes.fromUtf8String("H4sIAAAAAAAA/this is base64 text")));
      ids.addAll(put(kinesis, stream, 3, 3));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      start(settings(stream), kinesis, kafka, registry);

      assertThat(awaitEvents(kafka, stream, ids.size())).containsExactlyInAnyOrderElementsOf(ids);
      ConsumerRecord<byte[], byte[]> dead =
          poll(
              "the poison record in the DLQ",
              WAIT,
              () ->
                  readAll(kafka, Topics.DLQ).stream()
                      .filter(r -> header(r, DeadLetters.SOURCE).equals(stream))
                      .findFirst()
                      .orElse(null));
      stopAll();
      assertThat(header(dead, DeadLetters.REASON)).isEqualTo("not-gzip");
      assertThat(header(dead, DeadLetters.SHARD)).isEqualTo(poison.shardId());
      assertThat(header(dead, DeadLetters.SEQUENCE)).isEqualTo(poison.sequenceNumber());
      assertThat(new String(dead.value(), StandardCharsets.UTF_8))
          .isEqualTo("H4sIAAAAAAAA/this is base64 text");
      assertThat(
              registry
                  .get(RecordProcessor.DECODE_FAILURES)
                  .tag("reason", "not-gzip")
                  .counter()
                  .count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void aReplacementFencesTheInstanceItReplacesAndNothingIsDuplicated(
      Kinesalite kinesalite, EmbeddedKafka kafka) throws Exception {
    String stream = "fenced";
    try (KinesisClient kinesis = client(kinesalite.endpoint())) {
      createStream(kinesis, stream, 1);
      List<String> ids = new ArrayList<>(put(kinesis, stream, 0, 10));
      KinesisIngest first =
          new KinesisIngest(
              settings(stream),
              kinesis,
              kafkaConfig(kafka),
              new RecordProcessor(new SimpleMeterRegistry()),
              new SimpleMeterRegistry(),
              Clock.systemUTC());
      running.add(first);
      Future<?> firstRun =
          threads.submit(
              () -> {
                first.run();
                return null;
              });
      awaitEvents(kafka, stream, ids.size());

      start(settings(stream), kinesis, kafka, new SimpleMeterRegistry()); // same index
      ids.addAll(put(kinesis, stream, 10, 10));

      java.util.concurrent.ExecutionException failure =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              java.util.concurrent.ExecutionException.class,
              () -> firstRun.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertThat(failure).hasCauseInstanceOf(IngestFencedException.class);
      assertThat(awaitEvents(kafka, stream, ids.size())).containsExactlyInAnyOrderElementsOf(ids);
      stopAll();
      assertThat(eventIds(kafka, stream)).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  // ---- fixture ----

  private KinesisIngest start(
      KinesisSettings settings,
      KinesisClient kinesis,
      EmbeddedKafka kafka,
      SimpleMeterRegistry registry) {
    KinesisIngest ingest =
        new KinesisIngest(
            settings,
            kinesis,
            kafkaConfig(kafka),
            new RecordProcessor(registry),
            registry,
            Clock.systemUTC());
    running.add(ingest);
    runs.add(
        threads.submit(
            () -> {
              ingest.run();
              return null;
            }));
    return ingest;
  }

  private static Map<String, Object> kafkaConfig(EmbeddedKafka kafka) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", kafka.bootstrapServers());
    config.put("max.block.ms", 10_000);
    config.put("transaction.timeout.ms", 30_000);
    return config;
  }

  private static KinesisSettings settings(String stream) {
    return KinesisSettings.defaults(stream)
        .withPacing(
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            Duration.ofMillis(20),
            Duration.ofMillis(500));
  }

  static KinesisClient client(URI endpoint) {
    return AwsClients.kinesis(
        "us-east-1",
        endpoint,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
  }

  static void createStream(KinesisClient kinesis, String stream, int shards) {
    kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
    awaitActive(kinesis, stream);
  }

  static void awaitActive(KinesisClient kinesis, String stream) {
    poll(
        stream + " active",
        WAIT,
        () ->
            kinesis
                    .describeStreamSummary(b -> b.streamName(stream))
                    .streamDescriptionSummary()
                    .streamStatus()
                == StreamStatus.ACTIVE);
  }

  /**
   * Puts {@code count} CloudWatch subscription records, message numbers {@code from..}, each with
   * {@link #EVENTS_PER_MESSAGE} events of one trace; returns the event ids.
   */
  static List<String> put(KinesisClient kinesis, String stream, int from, int count) {
    List<String> ids = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      List<CloudWatchEvent> events = new ArrayList<>();
      String trace = String.format("%032x", n + 1);
      for (int i = 0; i < EVENTS_PER_MESSAGE; i++) {
        String id = stream + "-" + n + "-" + i;
        ids.add(id);
        events.add(
            new CloudWatchEvent(
                id,
                1_763_111_555_000L + n * 100L + i,
                "{\"level\":\"INFO\",\"traceId\":\"" + trace + "\",\"msg\":\"step " + i + "\"}"));
      }
      SubscriptionMessage message =
          new SubscriptionMessage(
              "DATA_MESSAGE",
              "123456789012",
              "/ecs/" + stream,
              "orders/" + n,
              List.of("traceline"),
              events);
      byte[] data = SubscriptionDecoder.encode(message);
      String key = "k" + n;
      kinesis.putRecord(
          b -> b.streamName(stream).partitionKey(key).data(SdkBytes.fromByteArray(data)));
    }
    return ids;
  }

  /** Waits until at least {@code count} events of the stream are committed; returns all ids. */
  static List<String> awaitEvents(EmbeddedKafka kafka, String stream, int count) {
    return poll(
        count + " events of " + stream,
        WAIT,
        () -> {
          List<String> ids = eventIds(kafka, stream);
          return ids.size() >= count ? ids : null;
        });
  }

  static List<String> eventIds(EmbeddedKafka kafka, String stream) {
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : readAll(kafka, Topics.EVENTS)) {
      LogEvent event = Json.readEvent(record.value());
      if (event.logGroup().equals("/ecs/" + stream)) {
        ids.add(event.id());
      }
    }
    return ids;
  }

  /** Every committed record of a topic, read with read_committed to its end. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafka kafka, String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** Polls {@code probe} until it returns non-null (or true), at most {@link #WAIT}. */
  static <T> T poll(String awaited, Duration timeout, java.util.function.Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = probe.get();
      if (value != null && !Boolean.FALSE.equals(value)) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + awaited);
      }
      try {
        Thread.sleep(100); // bounded polling interval, not a wait for an outcome
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + awaited, e);
      }
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
