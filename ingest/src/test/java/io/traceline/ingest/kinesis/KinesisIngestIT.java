package io.traceline.ingest.kinesis;

import static io.traceline.ingest.kinesis.KinesisTestStreams.WAIT;
import static io.traceline.ingest.kinesis.KinesisTestStreams.awaitActive;
import static io.traceline.ingest.kinesis.KinesisTestStreams.awaitEvents;
import static io.traceline.ingest.kinesis.KinesisTestStreams.client;
import static io.traceline.ingest.kinesis.KinesisTestStreams.createStream;
import static io.traceline.ingest.kinesis.KinesisTestStreams.eventIds;
import static io.traceline.ingest.kinesis.KinesisTestStreams.poll;
import static io.traceline.ingest.kinesis.KinesisTestStreams.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.Kinesalite;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.embedded.junit.KinesaliteExtension;
import io.traceline.ingest.RecordProcessor;
import io.traceline.model.DeadLetters;
import io.traceline.model.Topics;
import java.math.BigInteger;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@link KinesisIngest} between kinesalite (a real Kinesis API server) and a real KRaft broker:
 * every event put into Kinesis is in {@code traceline.events} exactly once, read with
 * read_committed, across a reshard, throttling, a poison record and the replacement of an instance.
 */
@ExtendWith({KinesaliteExtension.class, EmbeddedKafkaExtension.class})
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KinesisIngestIT {

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

      List<ConsumerRecord<byte[], byte[]>> checkpoints =
          kafka.readCommitted(Topics.INGEST_CHECKPOINTS);
      long parentEnd = -1;
      List<Long> children = new ArrayList<>();
      List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
      for (ConsumerRecord<byte[], byte[]> record : checkpoints) {
        String shard = Checkpoint.shardOf(record.key(), settings(stream).checkpointScope());
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
  void twoInstancesSplitTheShardsAndReadEachOnce(Kinesalite kinesalite, EmbeddedKafka kafka)
      throws Exception {
    String stream = "split";
    try (KinesisClient kinesis = client(kinesalite.endpoint())) {
      createStream(kinesis, stream, 6);
      List<String> ids = put(kinesis, stream, 0, 60);
      KinesisIngest zero =
          start(settings(stream).withInstance(0, 2), kinesis, kafka, new SimpleMeterRegistry());
      KinesisIngest one =
          start(settings(stream).withInstance(1, 2), kinesis, kafka, new SimpleMeterRegistry());

      assertThat(awaitEvents(kafka, stream, ids.size())).containsExactlyInAnyOrderElementsOf(ids);
      Map<String, String> zeroShards = zero.positions();
      Map<String, String> oneShards = one.positions();
      stopAll();
      assertThat(eventIds(kafka, stream)).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(zeroShards).isNotEmpty();
      assertThat(oneShards).isNotEmpty();
      assertThat(zeroShards.keySet()).doesNotContainAnyElementsOf(oneShards.keySet());
      assertThat(zeroShards.size() + oneShards.size()).isEqualTo(6);
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
                  kafka.readCommitted(Topics.DLQ).stream()
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

      KinesisIngest replacement =
          start(settings(stream), kinesis, kafka, new SimpleMeterRegistry()); // same index
      poll("the replacement ready", WAIT, replacement::ready);
      // the first instance learns that it was fenced at its next transaction: give it records
      int next = 10;
      while (!firstRun.isDone() && next < 200) {
        ids.addAll(put(kinesis, stream, next, 2));
        next += 2;
        try {
          firstRun.get(300, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillRunning) {
          // not fenced yet: the next records will tell it
        } catch (java.util.concurrent.ExecutionException ended) {
          break; // asserted below
        }
      }
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

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
