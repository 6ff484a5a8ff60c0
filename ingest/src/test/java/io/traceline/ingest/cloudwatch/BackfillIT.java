package io.traceline.ingest.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.aws.Retry;
import io.traceline.ingest.publish.EventPublisher;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * {@link Backfill} end to end: the real SDK client against a local CloudWatch Logs protocol server,
 * the real ingest path, a real (embedded KRaft) broker, read back with a read_committed consumer.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BackfillIT {

  private static final long START = 1_763_110_000_000L; // 2025-11-14T08:46:40Z
  private static final long END = START + 3_600_000L;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private static FakeCloudWatchLogs fake;
  private static CloudWatchLogsClient client;
  private final List<Duration> waits = new ArrayList<>();

  @BeforeAll
  static void start(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic(Topics.EVENTS, 3);
    kafka.createTopic(Topics.UNKEYED, 1);
    kafka.createTopic(Topics.REQUEST_LINKS, 1);
    kafka.createTopic(Topics.DLQ, 1);
    fake = FakeCloudWatchLogs.start();
    client = fake.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    fake.close();
  }

  @BeforeEach
  void reset() {
    fake.reset();
    fake.pageSize(3);
  }

  /** Two groups, two streams each, keyed and unkeyed lines; returns the ids inside the window. */
  private static Set<String> seed(String prefix) {
    Set<String> inWindow = new HashSet<>();
    for (String service : List.of("orders", "inventory")) {
      String group = prefix + service;
      fake.createLogGroup(group);
      fake.putEvent(group, "app/1", START - 1, "before the window\n");
      for (int i = 0; i < 8; i++) {
        String stream = "app/" + (i % 2);
        long ts = START + i * 60_000L;
        String trace = String.format(Locale.ROOT, "%032x", (long) (service.hashCode() + i / 2));
        String line =
            i % 4 == 3
                ? "GET /health 200\n"
                : "{\"level\":\"INFO\",\"traceId\":\"" + trace + "\",\"msg\":\"step " + i + "\"}\n";
        inWindow.add(fake.putEvent(group, stream, ts, line));
      }
      inWindow.add(fake.putEvent(group, "app/0", START, "at the start: included\n"));
      fake.putEvent(group, "app/0", END, "at the end: excluded\n");
      fake.putEvent(group, "app/1", END + 1, "after the window\n");
    }
    return inWindow;
  }

  private Backfill backfill(EventPublisher publisher) {
    return new Backfill(
        client,
        new Retry(
            5, Duration.ofMillis(50), Duration.ofSeconds(1), waits::add, new SplittableRandom(3)),
        new RecordProcessor(new SimpleMeterRegistry()),
        publisher);
  }

  private static EventPublisher publisher(EmbeddedKafka kafka) {
    return new EventPublisher(
        Map.of("bootstrap.servers", kafka.bootstrapServers()), new SimpleMeterRegistry());
  }

  @Test
  void publishesExactlyTheWindowOfEveryGroupAcrossPagesAndThrottling(EmbeddedKafka kafka)
      throws Exception {
    Set<String> expected = seed("/ecs/all-");
    fake.fail("FilterLogEvents", 1, "ThrottlingException", 2);
    Backfill.Request request =
        new Backfill.Request(
            List.of("/ecs/all-orders", "/ecs/all-inventory"), START, END, "", null, false);
    List<String> progress = new ArrayList<>();
    Backfill.Report report;
    try (EventPublisher publisher = publisher(kafka)) {
      report = backfill(publisher).run(request, progress::add);
    }
    assertThat(report.ok()).as(report.failure()).isTrue();
    assertThat(waits).hasSize(2);
    assertThat(report.groups())
        .allSatisfy(
            g -> {
              assertThat(g.events()).isEqualTo(9);
              assertThat(g.pages()).isEqualTo(3);
              assertThat(g.keyed()).isEqualTo(6);
              assertThat(g.unkeyed()).isEqualTo(3);
              assertThat(g.deadLetters()).isZero();
              assertThat(g.complete()).isTrue();
            });
    assertThat(progress).hasSize(6);

    List<LogEvent> published = readEvents(kafka, "/ecs/all-", expected.size());
    assertThat(published).extracting(LogEvent::id).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(published)
        .filteredOn(LogEvent::isKeyed)
        .hasSize(12)
        .allSatisfy(e -> assertThat(e.service()).isIn("all-orders", "all-inventory"));
  }

  @Test
  void resumesFromTheStateFileAfterACrashWithoutLoss(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    Set<String> expected = seed("/ecs/resume-");
    Path state = dir.resolve("backfill.json");
    Backfill.Request request =
        new Backfill.Request(
            List.of("/ecs/resume-orders", "/ecs/resume-inventory"), START, END, "", state, false);
    // The 5th page (the 2nd of the second group) fails fatally the first time.
    fake.fail("FilterLogEvents", 4, "AccessDeniedException", 1);
    try (EventPublisher publisher = publisher(kafka)) {
      Backfill.Report first = backfill(publisher).run(request, line -> {});
      assertThat(first.ok()).isFalse();
      assertThat(first.failure())
          .contains("/ecs/resume-inventory")
          .contains("page 2")
          .contains("not authorized");
      assertThat(first.groups().get(0).complete()).isTrue();
      assertThat(first.groups().get(1).pages()).isEqualTo(1);
    }
    assertThat(Files.readString(state)).contains("\"nextToken\" : \"page-3\"");
    int callsBefore = fake.calls("FilterLogEvents");

    Backfill.Report second;
    try (EventPublisher publisher = publisher(kafka)) {
      List<String> progress = new ArrayList<>();
      second = backfill(publisher).run(request, progress::add);
      assertThat(progress.get(0)).contains("complete in the state file");
    }
    assertThat(second.ok()).as(second.failure()).isTrue();
    assertThat(second.groups().get(0).pages()).isZero();
    assertThat(second.groups().get(1).resumed()).isTrue();
    assertThat(second.groups().get(1).pages()).isEqualTo(2);
    assertThat(fake.calls("FilterLogEvents") - callsBefore).isEqualTo(2);

    List<LogEvent> published = readEvents(kafka, "/ecs/resume-", expected.size());
    assertThat(published).extracting(LogEvent::id).containsExactlyInAnyOrderElementsOf(expected);

    // A finished backfill run again does nothing; another window is refused; --restart redoes it.
    try (EventPublisher publisher = publisher(kafka)) {
      Backfill.Report third = backfill(publisher).run(request, line -> {});
      assertThat(third.groups()).allSatisfy(g -> assertThat(g.pages()).isZero());
      Backfill.Request other =
          new Backfill.Request(request.logGroups(), START, END + 1, "", state, false);
      assertThatThrownBy(() -> backfill(publisher).run(other, line -> {}))
          .isInstanceOf(Backfill.StateMismatchException.class)
          .hasMessageContaining("--restart")
          .hasMessageContaining("window");
      Backfill.Request restart =
          new Backfill.Request(request.logGroups(), START, END + 1, "", state, true);
      Backfill.Report again = backfill(publisher).run(restart, line -> {});
      assertThat(again.ok()).isTrue();
      assertThat(again.groups()).allSatisfy(g -> assertThat(g.pages()).isEqualTo(4));
    }
  }

  /**
   * Reads both event topics from the beginning until every expected id of the groups starting with
   * {@code groupPrefix} is there (bounded), plus one more short poll.
   */
  private static List<LogEvent> readEvents(EmbeddedKafka kafka, String groupPrefix, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "backfill-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<LogEvent> events = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.EVENTS, Topics.UNKEYED));
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (ids.size() < expected && System.nanoTime() < deadline) {
        collect(consumer, groupPrefix, events, ids);
      }
      collect(consumer, groupPrefix, events, ids);
    }
    return events;
  }

  private static void collect(
      KafkaConsumer<byte[], byte[]> consumer,
      String groupPrefix,
      List<LogEvent> events,
      Set<String> ids) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
      LogEvent e = Json.readEvent(r.value());
      if (e.logGroup().startsWith(groupPrefix)) {
        events.add(e);
        ids.add(e.id());
      }
    }
  }
}
