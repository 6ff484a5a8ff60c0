package io.traceline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the real broker: the tests taking an {@link EmbeddedKafka} parameter share the one started
 * by {@link EmbeddedKafkaExtension}; the lifecycle tests start and stop their own.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedKafkaIT {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaIT.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private static EmbeddedKafka fromBeforeAll;

  @BeforeAll
  static void createTopics(EmbeddedKafka kafka) {
    fromBeforeAll = kafka;
    kafka.createTopic("it.plain", 3);
    kafka.createTopic("it.tx", 1);
  }

  @Test
  void extensionInjectsOneStartedBrokerPerClass(EmbeddedKafka kafka) {
    assertThat(kafka).isSameAs(fromBeforeAll);
    assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
  }

  @Nested
  class NestedClass {
    @Test
    void sharesTheBrokerOfItsEnclosingClass(EmbeddedKafka kafka) {
      assertThat(kafka).isSameAs(fromBeforeAll);
    }
  }

  @Test
  void producesAndConsumesAcrossThreePartitions(EmbeddedKafka kafka) {
    kafka.createTopic("it.plain", 3); // idempotent: already created in @BeforeAll

    try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
      for (int i = 0; i < 30; i++) {
        send(producer, new ProducerRecord<>("it.plain", i % 3, "key-" + i, "value-" + i));
      }
    }

    List<ConsumerRecord<String, String>> records =
        readAll(kafka, "it.plain", IsolationLevel.READ_UNCOMMITTED);
    assertThat(records).hasSize(30);
    assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(0, 1, 2);
    assertThat(records.stream().map(ConsumerRecord::value))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 30).mapToObj(i -> "value-" + i).toList());
  }

  @Test
  void createTopicRejectsAnExistingTopicWithAnotherPartitionCount(EmbeddedKafka kafka) {
    kafka.createTopic("it.fixed", 2, Map.of("cleanup.policy", "compact"));

    assertThatThrownBy(() -> kafka.createTopic("it.fixed", 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exists with 2 partitions");
  }

  @Test
  void transactionsShowOnlyCommittedRecordsToReadCommittedConsumers(EmbeddedKafka kafka) {
    Map<String, Object> transactional =
        Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx-" + UUID.randomUUID());
    try (KafkaProducer<String, String> producer = producer(kafka, transactional)) {
      producer.initTransactions();

      producer.beginTransaction();
      send(producer, new ProducerRecord<>("it.tx", "k", "committed-1"));
      send(producer, new ProducerRecord<>("it.tx", "k", "committed-2"));
      producer.commitTransaction();

      producer.beginTransaction();
      send(producer, new ProducerRecord<>("it.tx", "k", "aborted-1"));
      producer.abortTransaction();

      producer.beginTransaction();
      send(producer, new ProducerRecord<>("it.tx", "k", "committed-3"));
      producer.commitTransaction();
    }

    assertThat(values(readAll(kafka, "it.tx", IsolationLevel.READ_COMMITTED)))
        .containsExactly("committed-1", "committed-2", "committed-3");
    assertThat(values(readAll(kafka, "it.tx", IsolationLevel.READ_UNCOMMITTED)))
        .containsExactly("committed-1", "committed-2", "aborted-1", "committed-3");
  }

  @Test
  void restartOnTheSameDataDirKeepsTopicsAndRecords(@TempDir Path dataDir) {
    try (EmbeddedKafka first = EmbeddedKafka.start(dataDir)) {
      first.createTopic("it.kept", 3);
      try (KafkaProducer<String, String> producer = producer(first, Map.of())) {
        for (int i = 0; i < 9; i++) {
          send(producer, new ProducerRecord<>("it.kept", i % 3, "k", "kept-" + i));
        }
      }
    }
    assertThat(dataDir.resolve(EmbeddedKafka.LOG_DIR_NAME).resolve("meta.properties")).exists();

    try (EmbeddedKafka second = EmbeddedKafka.start(dataDir)) {
      second.createTopic("it.kept", 3); // finds the existing topic and waits for its leaders

      assertThat(values(readAll(second, "it.kept", IsolationLevel.READ_UNCOMMITTED)))
          .containsExactlyInAnyOrder(
              "kept-0", "kept-1", "kept-2", "kept-3", "kept-4", "kept-5", "kept-6", "kept-7",
              "kept-8");
    }
  }

  @Test
  void retriesWithNewPortsWhenAPortIsTakenBeforeTheBrokerBindsIt(@TempDir Path dataDir)
      throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      int takenPort = taken.getLocalPort();
      AtomicInteger attempts = new AtomicInteger();
      // First attempt: the broker port is taken (the controller, started first, binds and must be
      // stopped cleanly); then free ports.
      Supplier<int[]> ports =
          () ->
              attempts.getAndIncrement() == 0
                  ? new int[] {takenPort, FreePorts.pick(1)[0]}
                  : FreePorts.pick(2);

      try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, false, ports)) {
        assertThat(attempts).hasValue(2);
        assertThat(kafka.bootstrapServers()).doesNotEndWith(":" + takenPort);
        kafka.createTopic("it.retried", 1);
      }
    }
  }

  @Test
  void closeIsIdempotentAndDeletesTheTemporaryDataDir() {
    long startNanos = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.start();
    long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    Path dataDir = kafka.dataDir();
    assertThat(dataDir).isDirectory();

    kafka.close();
    kafka.close();

    assertThat(Files.exists(dataDir)).isFalse();
    assertThatThrownBy(() -> kafka.createTopic("it.late", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    LOG.info("EmbeddedKafka.start() took {} ms", startMillis);
  }

  @Test
  void leavesNoNonDaemonThreadAfterCloseAndCanStartAgain() {
    Set<Thread> before = nonDaemonThreads();

    for (int cycle = 0; cycle < 2; cycle++) {
      try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
        kafka.createTopic("it.cycle", 1);
      }
    }

    // close() has joined the server's threads; allow a moment for the JVM to reap them.
    BoundedPoll.until(
        "threads of closed brokers to end",
        Duration.ofSeconds(10),
        () -> leftover(before).isEmpty());
    assertThat(leftover(before)).isEmpty();
  }

  private static List<String> leftover(Set<Thread> before) {
    Set<Thread> now = nonDaemonThreads();
    now.removeAll(before);
    return now.stream().map(Thread::getName).sorted().toList();
  }

  private static Set<Thread> nonDaemonThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && !thread.isDaemon()) {
        threads.add(thread);
      }
    }
    return threads;
  }

  private static KafkaProducer<String, String> producer(
      EmbeddedKafka kafka, Map<String, Object> overrides) {
    Map<String, Object> config = new HashMap<>(overrides);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /** Sends synchronously: the record is on the log when this returns. */
  private static void send(
      KafkaProducer<String, String> producer, ProducerRecord<String, String> record) {
    try {
      producer.send(record).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not send " + record, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted sending " + record, e);
    }
  }

  /**
   * Reads a topic from the beginning up to its end offsets (the last stable offset under
   * read_committed), by bounded polling.
   */
  private static List<ConsumerRecord<String, String>> readAll(
      EmbeddedKafka kafka, String topic, IsolationLevel isolation) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            isolation.toString(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      BoundedPoll.until(
          "records of " + topic + " up to " + end,
          READ_TIMEOUT,
          () -> {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
          });
    }
    return records;
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }
}
