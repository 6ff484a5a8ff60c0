package io.traceline.app.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.model.EventKind;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Topics;
import io.traceline.model.TraceIdFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The correlator as production runs it ({@link CorrelatorService}: exactly-once, explicit handlers)
 * on a real broker, restarted in the middle of its traces on a fresh state directory, so that its
 * open traces, deadline index and clock come back from the changelog topics.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(240)
class CorrelatorServiceIT {

  private static final String APP_ID = "correlator-restart-it";
  private static final int TRACES = 20;
  private static final int EVENTS_PER_TRACE = 6;

  @TempDir Path firstStateDir;
  @TempDir Path secondStateDir;

  @BeforeAll
  static void topics(EmbeddedKafka kafka) {
    kafka.createTopic(Topics.EVENTS, 3);
    // the request stitcher reads these; same partition count for both (co-partitioned)
    kafka.createTopic(Topics.UNKEYED, 3);
    kafka.createTopic(Topics.REQUEST_LINKS, 3);
    kafka.createTopic(Topics.TIMELINES, 3);
    kafka.createTopic(Topics.ALERTS, 1);
    kafka.createTopic(Topics.EDGE_CALLS, 3);
    kafka.createTopic(Topics.SERVICE_EDGES, 1);
    kafka.createTopic(Topics.DLQ, 1);
  }

  @Test
  void aRestartOnAnEmptyStateDirLosesNoEventAndEmitsEachTimelineOnce(EmbeddedKafka kafka)
      throws Exception {
    CorrelatorSettings settings =
        CorrelatorSettings.builder()
            .inactivityGap(Duration.ofSeconds(4))
            .closeCheckInterval(Duration.ofMillis(200))
            .build();
    long t0 = System.currentTimeMillis();
    List<String> traces = new ArrayList<>();
    for (int i = 0; i < TRACES; i++) {
      traces.add(String.format("%032x", 0x7e57a47L + i));
    }

    try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
      CorrelatorService first = service(kafka, firstStateDir, settings);
      first.start();
      // The first half of every trace, then wait until the correlator has committed it all.
      for (String trace : traces) {
        for (int n = 0; n < EVENTS_PER_TRACE / 2; n++) {
          send(producer, event(trace, n, t0 + n * 10L));
        }
      }
      producer.flush();
      awaitCommitted(kafka);
      first.close(Duration.ofSeconds(30));
      assertThat(first.failure()).isNull();

      CorrelatorService second = service(kafka, secondStateDir, settings);
      try {
        second.start();
        for (String trace : traces) {
          for (int n = EVENTS_PER_TRACE / 2; n < EVENTS_PER_TRACE; n++) {
            send(producer, event(trace, n, t0 + n * 10L));
          }
        }
        producer.flush();

        Map<String, Timeline> timelines = readTimelines(kafka, settings);
        assertThat(second.failure()).isNull();
        assertThat(timelines.keySet()).containsExactlyInAnyOrderElementsOf(traces);
        assertThat(timelines.values())
            .allSatisfy(
                t -> {
                  assertThat(t.eventCount()).isEqualTo(EVENTS_PER_TRACE);
                  assertThat(t.revision()).isEqualTo(1);
                });
      } finally {
        second.close(Duration.ofSeconds(30));
      }
    }
  }

  private static CorrelatorService service(
      EmbeddedKafka kafka, Path stateDir, CorrelatorSettings settings) {
    return new CorrelatorService(
        kafka.bootstrapServers(), APP_ID, stateDir, settings, Map.of(), new SimpleMeterRegistry());
  }

  private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static LogEvent event(String trace, int n, long ts) {
    return LogEvent.builder()
        .id(trace + "-" + n)
        .timestamp(ts)
        .ingestedAt(ts)
        .trace(trace, TraceIdFormat.HEX32)
        .service(n % 2 == 0 ? "api" : "worker")
        .kind(EventKind.APP)
        .message("line " + n)
        .build();
  }

  private static void send(KafkaProducer<String, byte[]> producer, LogEvent e) throws Exception {
    producer
        .send(new ProducerRecord<>(Topics.EVENTS, e.traceId(), Json.writeEvent(e)))
        .get(30, TimeUnit.SECONDS);
  }

  /** Bounded polling until the correlator's group has committed every event offset. */
  private static void awaitCommitted(EmbeddedKafka kafka) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 3; p++) {
        latest.put(new TopicPartition(Topics.EVENTS, p), OffsetSpec.latest());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(APP_ID)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        boolean caughtUp =
            ends.entrySet().stream()
                .allMatch(
                    e ->
                        committed.get(e.getKey()) != null
                            && committed.get(e.getKey()).offset() >= e.getValue().offset());
        if (caughtUp) {
          return;
        }
        admin.describeCluster().nodes().get(30, TimeUnit.SECONDS); // a round trip, not a sleep
      }
      throw new AssertionError("the correlator did not commit its input in time");
    }
  }

  /** Reads timelines until every trace has one, then a gap longer to catch second emissions. */
  private static Map<String, Timeline> readTimelines(EmbeddedKafka kafka, CorrelatorSettings s) {
    Map<String, Timeline> timelines = new HashMap<>();
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-it-reader");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.TIMELINES));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Timeline t = Json.readTimeline(r.value());
          assertThat(timelines.put(t.traceId(), t))
              .as("second emission of " + t.traceId())
              .isNull();
        }
        if (timelines.size() == TRACES && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + s.inactivityGap().plusSeconds(2).toNanos();
        }
      }
    }
    return timelines;
  }
}
