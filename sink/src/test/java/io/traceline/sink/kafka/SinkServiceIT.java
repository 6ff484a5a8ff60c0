package io.traceline.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.embedded.junit.OpenSearchExtension;
import io.traceline.model.DeadLetters;
import io.traceline.model.Json;
import io.traceline.model.Topics;
import io.traceline.sink.opensearch.Fixtures;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import io.traceline.sink.opensearch.OpenSearchSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sink on a real broker and the real OpenSearch server: every timeline exactly once at its
 * latest revision, bad records in the DLQ with their reason, offsets committed once acknowledged,
 * an OpenSearch outage mid-stream that pauses consumption and loses nothing, and bulk items
 * answered 429 (an index with the flood-stage block) retried until OpenSearch takes them. Reads
 * back with a plain HTTP client and Kafka's admin client, not with the code under test. Each test
 * uses its own consumer group and trace ids.
 */
@ExtendWith({EmbeddedKafkaExtension.class, OpenSearchExtension.class})
@Timeout(120)
class SinkServiceIT {

  private static final int PARTITIONS = 3;
  private static final List<String> TOPICS =
      List.of(Topics.TIMELINES, Topics.ALERTS, Topics.SERVICE_EDGES);

  private static KafkaProducer<byte[], byte[]> producer;
  private static Admin admin;

  @BeforeAll
  static void topics(EmbeddedKafka kafka) {
    for (String topic : TOPICS) {
      kafka.createTopic(topic, PARTITIONS);
    }
    kafka.createTopic(Topics.DLQ, 1);
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  @AfterAll
  static void close() {
    producer.close();
    admin.close();
  }

  @Test
  void indexesEveryDocumentOnceAtItsLatestRevisionAndDeadLettersBadRecords(
      EmbeddedKafka kafka, EmbeddedOpenSearch search) throws Exception {
    long start = System.currentTimeMillis() - 60_000;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String trace = traceId('a', t);
      for (int revision = 1; revision <= 3; revision++) {
        records.add(record(Topics.TIMELINES, trace, Fixtures.timelineJson(trace, revision, start)));
      }
      records.add(record(Topics.ALERTS, trace, Fixtures.alertJson(trace, 1, start)));
    }
    long minute = start / 60_000 * 60_000;
    for (int revision = 1; revision <= 2; revision++) {
      records.add(
          new ProducerRecord<>(
              Topics.SERVICE_EDGES, null, Fixtures.edgeJson(minute, 10L * revision, revision)));
    }
    Collections.shuffle(records, new Random(7));
    for (ProducerRecord<byte[], byte[]> record : records) {
      produce(record);
    }
    // A request that began just after a month's start, whose second revision starts before it.
    String moved = traceId('d', 1);
    produce(
        record(
            Topics.TIMELINES,
            moved,
            Fixtures.timelineJson(moved, 1, Instant.parse("2026-12-01T00:00:30Z").toEpochMilli())));
    produce(
        record(
            Topics.TIMELINES,
            moved,
            Fixtures.timelineJson(moved, 2, Instant.parse("2026-11-30T23:59:50Z").toEpochMilli())));
    produce(record(Topics.TIMELINES, traceId('a', 99), utf8("not json")));
    String unmapped = traceId('a', 98);
    produce(
        record(
            Topics.TIMELINES,
            unmapped,
            utf8(
                "{\"traceId\":\""
                    + unmapped
                    + "\",\"revision\":1,\"startTime\":"
                    + start
                    + ",\"notInTheMapping\":true}")));

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String group = "sink-it-all";
    try (OpenSearchIndexer indexer = indexer(search);
        SinkService sink = service(kafka, indexer, registry, group)) {
      sink.start();
      await(() -> committedUpToEnd(group), "every record committed");
      assertThat(sink.failure()).isNull();
    }

    Map<String, List<Long>> revisions = revisionsById(search, "traceline-timelines", 'a');
    assertThat(revisions).hasSize(8);
    assertThat(revisions.values()).allSatisfy(r -> assertThat(r).containsExactly(3L));
    assertThat(revisionsById(search, "traceline-alerts", 'a')).hasSize(8);
    assertThat(revisionsById(search, "traceline-timelines", 'd'))
        .isEqualTo(Map.of(moved, List.of(2L)));
    assertThat(registry.get("traceline.sink.removals").tag("outcome", "deleted").counter().count())
        .isEqualTo(1.0);
    JsonNode edges = search(search, "traceline-service-edges");
    assertThat(edges).hasSize(1);
    assertThat(edges.get(0).path("_source").path("calls").asLong()).isEqualTo(20);

    Map<String, ConsumerRecord<byte[], byte[]>> dlq = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : deadLetters(kafka, 2)) {
      dlq.put(header(letter, DeadLetters.REASON), letter);
    }
    assertThat(dlq).containsOnlyKeys(SinkService.UNDECODABLE, SinkService.REJECTED);
    ConsumerRecord<byte[], byte[]> dead = dlq.get(SinkService.UNDECODABLE);
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
    assertThat(header(dead, DeadLetters.DETAIL)).contains("not valid JSON");
    assertThat(header(dead, DeadLetters.STAGE)).isEqualTo("sink");
    assertThat(header(dead, DeadLetters.SOURCE)).isEqualTo(Topics.TIMELINES);
    assertThat(header(dead, DeadLetters.OFFSET)).isNotBlank();
    ConsumerRecord<byte[], byte[]> rejected = dlq.get(SinkService.REJECTED);
    assertThat(new String(rejected.key(), StandardCharsets.UTF_8)).isEqualTo(unmapped);
    assertThat(header(rejected, DeadLetters.DETAIL))
        .startsWith("strict_dynamic_mapping_exception: ")
        .contains("notInTheMapping");
    assertThat(header(rejected, DeadLetters.STAGE)).isEqualTo("sink");
    assertThat(revisionsById(search, "traceline-timelines", 'a')).doesNotContainKey(unmapped);
    assertThat(
            registry
                .get("traceline.sink.dead.letters")
                .tag("reason", SinkService.REJECTED)
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("traceline.sink.dead.letters")
                .tag("reason", SinkService.UNDECODABLE)
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.get("traceline.sink.documents").tag("outcome", "indexed").counter().count())
        .isGreaterThanOrEqualTo(8 + 8 + 1);
  }

  @Test
  void anOutagePausesConsumptionAndLosesNothing(EmbeddedKafka kafka, EmbeddedOpenSearch search)
      throws Exception {
    long start = System.currentTimeMillis() - 60_000;
    for (int t = 0; t < 5; t++) {
      String trace = traceId('b', t);
      produce(record(Topics.TIMELINES, trace, Fixtures.timelineJson(trace, 1, start)));
    }

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String group = "sink-it-outage";
    try (OpenSearchIndexer indexer = indexer(search);
        SinkService sink = service(kafka, indexer, registry, group)) {
      sink.start();
      await(() -> committedUpToEnd(group), "the first revisions committed");
      assertThat(revisionsById(search, "traceline-timelines", 'b')).hasSize(5);

      assertThat(registry.get("traceline.sink.outages").counter().count()).isZero();
      search.stop();
      Map<TopicPartition, Long> before = committed(group);
      for (int t = 0; t < 8; t++) {
        String trace = traceId('b', t);
        for (int revision = t < 5 ? 3 : 1; revision >= (t < 5 ? 2 : 1); revision--) {
          produce(record(Topics.TIMELINES, trace, Fixtures.timelineJson(trace, revision, start)));
        }
      }
      await(() -> registry.get("traceline.sink.outages").counter().count() == 1, "the sink paused");
      // Several backoff rounds pass while OpenSearch is down: nothing new is committed.
      await(
          () -> registry.get("traceline.sink.retries").counter().count() >= 5,
          "several attempts during the outage");
      assertThat(committed(group)).isEqualTo(before);
      assertThat(sink.failure()).isNull();

      search.restart();
      await(() -> committedUpToEnd(group), "every record committed after the restart");
      assertThat(sink.failure()).isNull();
    }

    Map<String, List<Long>> revisions = revisionsById(search, "traceline-timelines", 'b');
    assertThat(revisions).hasSize(8);
    for (int t = 0; t < 8; t++) {
      assertThat(revisions.get(traceId('b', t))).containsExactly(t < 5 ? 3L : 1L);
    }
  }

  @Test
  void aSecondInstanceSharesThePartitionsAndTheFirstLeavesWithoutLoss(
      EmbeddedKafka kafka, EmbeddedOpenSearch search) throws Exception {
    long start = System.currentTimeMillis() - 60_000;
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    String group = "sink-it-rebalance";
    try (OpenSearchIndexer indexer = indexer(search)) {
      SinkService one = service(kafka, indexer, first, group);
      try (SinkService two = service(kafka, indexer, second, group)) {
        one.start();
        produceRevisions('c', 0, 6, 1, start);
        await(() -> committedUpToEnd(group), "the first instance committed");
        two.start();
        await(() -> membersWithPartitions(group) == 2, "both instances own partitions");
        produceRevisions('c', 0, 12, 2, start);
        await(
            () -> indexed(second) > 0 && committedUpToEnd(group),
            "both instances indexed and every record committed");
        assertThat(one.close(Duration.ofSeconds(30)))
            .as("the first leaves cleanly within its timeout")
            .isTrue();
        produceRevisions('c', 0, 12, 3, start);
        await(() -> committedUpToEnd(group), "the second instance took every partition over");
        assertThat(two.failure()).isNull();
      } finally {
        one.close();
      }
    }
    Map<String, List<Long>> revisions = revisionsById(search, "traceline-timelines", 'c');
    assertThat(revisions).hasSize(12);
    assertThat(revisions.values()).allSatisfy(r -> assertThat(r).containsExactly(3L));
  }

  /**
   * OpenSearch accepts the connection and never answers: a stop cannot finish the request in
   * flight, so close gives up after its timeout (plus the clients' few seconds, not the request's
   * 20 s timeout) and says it did not stop cleanly, which the stage turns into exit code 1.
   */
  @Test
  void aCloseThatCannotFinishTheRequestInFlightSaysSo(EmbeddedKafka kafka) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = Collections.synchronizedList(new ArrayList<>());
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept()); // read nothing, answer nothing
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              },
              "silent-opensearch");
      acceptor.start();
      OpenSearchIndexer indexer =
          OpenSearchIndexer.create(
              new OpenSearchSettings(
                  List.of(URI.create("http://127.0.0.1:" + silent.getLocalPort())),
                  null,
                  null,
                  null,
                  null,
                  Duration.ofSeconds(20),
                  OpenSearchSettings.DEFAULT_RETENTION,
                  OpenSearchSettings.Aws.NONE));
      SinkService service = service(kafka, indexer, new SimpleMeterRegistry(), "sink-it-hang");
      try {
        service.start();
        await(() -> !held.isEmpty(), "the sink's first request is in flight");
        long t0 = System.nanoTime();
        assertThat(service.close(Duration.ofSeconds(1))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .as("bounded by the close's timeout, not by the request's")
            .isLessThan(Duration.ofSeconds(15));
        assertThat(service.state()).isEqualTo(SinkService.State.STARTING);
      } finally {
        for (Socket socket : held) {
          socket.close(); // the request fails at once; the loop ends
        }
        await(service::isStopped, "the loop ended once the request failed");
        indexer.close();
      }
    }
  }

  /**
   * An index with {@code index.blocks.read_only_allow_delete} (what OpenSearch sets at the disk's
   * flood-stage watermark) answers each write to it with a per-item 429 in a bulk response that is
   * 200 as a whole: the sink retries those items, commits nothing past them and dead-letters
   * nothing, and stores them once the block is cleared.
   */
  @Test
  void itemsAnswered429AreRetriedUntilOpenSearchTakesThem(
      EmbeddedKafka kafka, EmbeddedOpenSearch search) throws Exception {
    // A month of its own, in the future so that the sink's retention leaves its index alone.
    long start = Instant.parse("2030-03-15T12:00:00Z").toEpochMilli();
    String index = "traceline-timelines-2030.03";
    String group = "sink-it-blocked";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (OpenSearchIndexer indexer = indexer(search)) {
      indexer.installTemplates();
      send(search, "PUT", "/" + index);
      readOnlyAllowDelete(search, index, "true");
      String probeId = traceId('e', 99);
      JsonNode probe = bulkItem(search, index, probeId, Fixtures.timelineJson(probeId, 1, start));
      assertThat(probe.path("status").asInt()).as(probe.toString()).isEqualTo(429);
      assertThat(probe.path("error").path("type").asText()).isEqualTo("cluster_block_exception");

      Map<TopicPartition, Long> before = startAtTheEnd(group);
      produceRevisions('e', 0, 6, 1, start);
      produceRevisions('e', 0, 6, 2, start);
      produceRevisions('e', 0, 6, 3, start);
      try (SinkService sink = service(kafka, indexer, registry, group)) {
        sink.start();
        await(() -> retries(registry) >= 5, "several attempts while the index is blocked");
        double retries = retries(registry);
        assertThat(documents(registry, "retryable")).isGreaterThanOrEqualTo(retries);
        assertThat(documents(registry, "indexed")).isZero();
        assertThat(registry.get("traceline.sink.outages").counter().count()).isZero();
        assertThat(committed(group)).isEqualTo(before);
        assertThat(sink.failure()).isNull();

        readOnlyAllowDelete(search, index, "null");
        await(() -> committedUpToEnd(group), "every record committed once the block is cleared");
        assertThat(sink.failure()).isNull();
      }
    }
    Map<String, List<Long>> revisions = revisionsById(search, "traceline-timelines", 'e');
    assertThat(revisions).hasSize(6);
    assertThat(revisions.values()).allSatisfy(r -> assertThat(r).containsExactly(3L));
    assertThat(documents(registry, "rejected")).isZero();
    for (String reason : SinkService.DLQ_REASONS) {
      assertThat(
              registry.get("traceline.sink.dead.letters").tag("reason", reason).counter().count())
          .as(reason)
          .isZero();
    }
  }

  /** Sets the flood-stage block of {@code index} to {@code value} ({@code null} clears it). */
  private static void readOnlyAllowDelete(EmbeddedOpenSearch search, String index, String value)
      throws IOException, InterruptedException {
    send(
        search,
        "PUT",
        "/" + index + "/_settings",
        "{\"index.blocks.read_only_allow_delete\":" + value + "}");
  }

  /** The answer's item for a bulk request of one document, sent as the sink sends it. */
  private static JsonNode bulkItem(
      EmbeddedOpenSearch search, String index, String id, byte[] document)
      throws IOException, InterruptedException {
    String body =
        "{\"index\":{\"_index\":\""
            + index
            + "\",\"_id\":\""
            + id
            + "\",\"version\":1,\"version_type\":\"external\"}}\n"
            + new String(document, StandardCharsets.UTF_8)
            + "\n";
    JsonNode response = send(search, "POST", "/_bulk", body);
    assertThat(response.path("items")).hasSize(1);
    return response.path("items").get(0).path("index");
  }

  /**
   * Commits the group's offsets at the current end of every partition, so that it reads only what
   * is produced next; returns those offsets.
   */
  private static Map<TopicPartition, Long> startAtTheEnd(String group) throws Exception {
    Map<TopicPartition, Long> ends = endOffsets();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    ends.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
    admin.alterConsumerGroupOffsets(group, offsets).all().get();
    return ends;
  }

  /** How many members of the group have partitions assigned. */
  private static long membersWithPartitions(String group) {
    try {
      return admin
          .describeConsumerGroups(List.of(group))
          .describedGroups()
          .get(group)
          .get()
          .members()
          .stream()
          .filter(m -> !m.assignment().topicPartitions().isEmpty())
          .count();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double indexed(SimpleMeterRegistry registry) {
    return documents(registry, "indexed");
  }

  private static double documents(SimpleMeterRegistry registry, String outcome) {
    return registry.get("traceline.sink.documents").tag("outcome", outcome).counter().count();
  }

  private static double retries(SimpleMeterRegistry registry) {
    return registry.get("traceline.sink.retries").counter().count();
  }

  /** Revision {@code revision} of traces {@code from} to {@code to - 1} of the test's letter. */
  private static void produceRevisions(char test, int from, int to, int revision, long start)
      throws Exception {
    for (int t = from; t < to; t++) {
      String trace = traceId(test, t);
      produce(record(Topics.TIMELINES, trace, Fixtures.timelineJson(trace, revision, start)));
    }
  }

  private static SinkService service(
      EmbeddedKafka kafka, OpenSearchIndexer indexer, SimpleMeterRegistry registry, String group) {
    SinkSettings settings =
        SinkSettings.of(kafka.bootstrapServers())
            .withGroupId(group)
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    return new SinkService(settings, indexer, registry, Clock.systemUTC());
  }

  private static OpenSearchIndexer indexer(EmbeddedOpenSearch search) {
    return OpenSearchIndexer.create(
        new OpenSearchSettings(
            List.of(search.httpUri()),
            null,
            null,
            null,
            null,
            Duration.ofSeconds(5),
            OpenSearchSettings.DEFAULT_RETENTION,
            OpenSearchSettings.Aws.NONE));
  }

  /** A 32-hex trace id: the test's letter, then the number. */
  private static String traceId(char test, int n) {
    return test + String.format("%031x", n);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, utf8(key), value);
  }

  private static void produce(ProducerRecord<byte[], byte[]> record) throws Exception {
    producer.send(record).get();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<TopicPartition, Long> committed(String group) throws Exception {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    committed.forEach((tp, o) -> offsets.put(tp, o == null ? 0 : o.offset()));
    return offsets;
  }

  /** Whether the group committed every partition of the three topics up to its end. */
  private static boolean committedUpToEnd(String group) {
    try {
      Map<TopicPartition, Long> committed = committed(group);
      return endOffsets().entrySet().stream()
          .allMatch(
              e ->
                  e.getValue() == 0
                      || committed.getOrDefault(e.getKey(), -1L).equals(e.getValue()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The end offset of every partition of the three topics. */
  private static Map<TopicPartition, Long> endOffsets() throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (String topic : TOPICS) {
      for (int p = 0; p < PARTITIONS; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** Bounded polling, paced by a round trip to the broker rather than a sleep. */
  private static void await(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
    }
  }

  /** Revisions of every document with the test's trace-id prefix, by id, across the alias. */
  private static Map<String, List<Long>> revisionsById(
      EmbeddedOpenSearch search, String alias, char test) throws IOException, InterruptedException {
    Map<String, List<Long>> revisions = new HashMap<>();
    for (JsonNode hit : search(search, alias)) {
      String traceId = hit.path("_source").path("traceId").asText();
      if (traceId.charAt(0) == test) {
        revisions
            .computeIfAbsent(traceId, k -> new ArrayList<>())
            .add(hit.path("_source").path("revision").asLong());
      }
    }
    return revisions;
  }

  private static JsonNode search(EmbeddedOpenSearch search, String alias)
      throws IOException, InterruptedException {
    send(search, "POST", "/" + alias + "/_refresh");
    return send(search, "GET", "/" + alias + "/_search?size=1000").path("hits").path("hits");
  }

  private static JsonNode send(EmbeddedOpenSearch search, String method, String path)
      throws IOException, InterruptedException {
    return send(search, method, path, null);
  }

  /** Sends {@code json} (or nothing, when null) and returns the answer, which must be a 200. */
  private static JsonNode send(EmbeddedOpenSearch search, String method, String path, String json)
      throws IOException, InterruptedException {
    HttpResponse<String> response = search.send(method, path, json);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body());
  }

  /** The DLQ's records: waits (bounded) for {@code expected}, then polls once more for extras. */
  private static List<ConsumerRecord<byte[], byte[]>> deadLetters(
      EmbeddedKafka kafka, int expected) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "sink-it-dlq-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DLQ));
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      return records;
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
