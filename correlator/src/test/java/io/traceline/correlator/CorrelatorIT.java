package io.traceline.correlator;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.model.DeadLetters;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The correlator topology on a real broker, with exactly-once processing. */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(180)
class CorrelatorIT {

  private static final int TRACES = 30;

  @TempDir Path stateDir;
  private KafkaStreams streams;

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

  @AfterEach
  void stop() {
    if (streams != null) {
      streams.close(Duration.ofSeconds(30));
    }
  }

  @Test
  void emitsOneTimelinePerTraceWithEveryEventAndRoutesGarbageToTheDlq(EmbeddedKafka kafka)
      throws Exception {
    CorrelatorSettings settings =
        CorrelatorSettings.builder()
            .inactivityGap(Duration.ofSeconds(2))
            .closeCheckInterval(Duration.ofMillis(200))
            .build();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "correlator-it");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    streams = new KafkaStreams(CorrelatorTopology.build(settings), props);
    streams.start();

    long t0 = System.currentTimeMillis() - 5_000;
    List<String> traces = new ArrayList<>();
    Map<String, Timeline> timelines = new HashMap<>();
    List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = producer(kafka);
        KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
      consumer.subscribe(List.of(Topics.TIMELINES, Topics.DLQ));
      List<Future<RecordMetadata>> sends = new ArrayList<>();
      for (int i = 0; i < TRACES; i++) {
        String trace = String.format("%032x", 0x5eed0000L + i);
        traces.add(trace);
        for (LogEvent e : Events.slowQueryRequest(trace, t0 + i * 10L)) {
          sends.add(producer.send(new ProducerRecord<>(Topics.EVENTS, trace, Json.writeEvent(e))));
        }
      }
      // A redelivered batch while the trace is open, and a record that is no event.
      for (LogEvent e : Events.slowQueryRequest(traces.get(0), t0)) {
        sends.add(
            producer.send(new ProducerRecord<>(Topics.EVENTS, traces.get(0), Json.writeEvent(e))));
      }
      sends.add(
          producer.send(
              new ProducerRecord<>(
                  Topics.EVENTS, "garbage", "not json".getBytes(StandardCharsets.UTF_8))));
      for (Future<RecordMetadata> send : sends) {
        send.get(30, TimeUnit.SECONDS);
      }

      poll(consumer, Duration.ofMinutes(2), timelines, dead, () -> timelines.size() < TRACES);
      assertThat(timelines.keySet()).containsExactlyInAnyOrderElementsOf(traces);

      // The same batch redelivered after the close (within the grace period): nothing changes.
      for (LogEvent e : Events.slowQueryRequest(traces.get(1), t0 + 10)) {
        producer
            .send(new ProducerRecord<>(Topics.EVENTS, traces.get(1), Json.writeEvent(e)))
            .get(30, TimeUnit.SECONDS);
      }
      // Wait longer than the gap: a second emission of any trace would arrive meanwhile.
      poll(consumer, Duration.ofSeconds(6), timelines, dead, () -> true);
    }

    assertThat(timelines.values())
        .allSatisfy(
            t -> {
              assertThat(t.eventCount()).isEqualTo(8);
              assertThat(t.revision()).isEqualTo(1);
              assertThat(t.bottleneck().service()).isEqualTo("shop-db");
            });
    assertThat(dead).hasSize(1);
    assertThat(
            new String(
                dead.get(0).headers().lastHeader(DeadLetters.REASON).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("undecodable-event");
  }

  /** Polls for at most {@code limit} while {@code more} holds; fails on a second emission. */
  private static void poll(
      KafkaConsumer<String, byte[]> consumer,
      Duration limit,
      Map<String, Timeline> timelines,
      List<ConsumerRecord<String, byte[]>> dead,
      BooleanSupplier more) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (more.getAsBoolean() && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        if (r.topic().equals(Topics.DLQ)) {
          dead.add(r);
        } else {
          Timeline t = Json.readTimeline(r.value());
          assertThat(timelines.put(t.traceId(), t))
              .as("second emission of " + t.traceId())
              .isNull();
        }
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "correlator-it-reader");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
