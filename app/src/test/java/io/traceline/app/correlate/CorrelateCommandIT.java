package io.traceline.app.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.app.TracelineRun;
import io.traceline.app.runtime.PrometheusText;
import io.traceline.app.runtime.StageProcess;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.model.EventKind;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Topics;
import io.traceline.model.TraceIdFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * {@code traceline correlate} as a service, from the real distribution in its own JVM: ready once
 * Streams runs, its counters and Kafka Streams' metrics on {@code /metrics}, and a SIGTERM in the
 * middle of the stream that loses and duplicates nothing; bad options listed with exit code 2.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(180)
class CorrelateCommandIT {

  private static final int TRACES = 300;
  private static final int EVENTS_PER_TRACE = 4;
  private static final Duration WAIT = Duration.ofSeconds(90);

  @BeforeAll
  static void topics(EmbeddedKafka kafka) {
    kafka.createTopic(Topics.EVENTS, 2);
    // the request stitcher reads these; same partition count for both (co-partitioned)
    kafka.createTopic(Topics.UNKEYED, 2);
    kafka.createTopic(Topics.REQUEST_LINKS, 2);
    kafka.createTopic(Topics.TIMELINES, 2);
    kafka.createTopic(Topics.ALERTS, 1);
    kafka.createTopic(Topics.EDGE_CALLS, 2);
    kafka.createTopic(Topics.SERVICE_EDGES, 1);
    kafka.createTopic(Topics.DLQ, 1);
  }

  /**
   * Traces arrive for about six seconds; the first instance gets SIGTERM once some timelines are
   * out: it exits 0 within its shutdown timeout, and the next instance, from the stores and offsets
   * the first committed, emits every other trace: each trace exactly once.
   */
  @Test
  void aSigtermMidStreamLosesAndDuplicatesNothing(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("correlate.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "kafka:",
            "  bootstrapServers: " + kafka.bootstrapServers(),
            "  applicationId: correlate-command-it",
            "  stateDir: " + dir.resolve("state"),
            "correlator:",
            "  inactivityGap: 2s",
            "  closeCheckInterval: 200ms",
            "runtime:",
            "  instance: correlate-it-1",
            "  shutdownTimeout: 30s",
            ""),
        StandardCharsets.UTF_8);
    ExecutorService producing = Executors.newSingleThreadExecutor();
    try (TimelineReader timelines = new TimelineReader(kafka)) {
      Future<List<String>> produced;
      try (StageProcess first =
          StageProcess.start(
              "correlate", config, dir.resolve("first.log"), Map.of(), List.of("-Xmx256m"))) {
        JsonNode ready = first.awaitReady(WAIT);
        assertThat(ready.path("detail").asText()).isEqualTo("streams RUNNING");
        produced = producing.submit(() -> produceTraces(kafka));
        timelines.awaitAtLeast(20);

        PrometheusText metrics = first.metrics();
        Map<String, String> ours = Map.of("stage", "correlate", "instance", "correlate-it-1");
        assertThat(metrics.sum("traceline_correlator_events_total", ours)).isPositive();
        assertThat(metrics.sum("traceline_correlator_timelines_total", ours)).isPositive();
        assertThat(metrics.has("kafka_stream_thread_process_total"))
            .as("Kafka Streams' metrics are bound")
            .isTrue();

        assertThat(produced.isDone()).as("the signal comes while traces still arrive").isFalse();
        assertThat(first.terminate(Duration.ofSeconds(45))).as("a clean stop exits 0").isZero();
        assertThat(first.jsonLogLines())
            .extracting(line -> line.path("message").asText())
            .contains("stopping: committing and closing the stores");
      }
      List<String> traces = produced.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(timelines.distinct())
          .as("the signal came mid-stream")
          .hasSizeBetween(1, TRACES - 1);

      try (StageProcess second =
          StageProcess.start(
              "correlate",
              config,
              dir.resolve("second.log"),
              Map.of("TRACELINE_RUNTIME_INSTANCE", "correlate-it-2"),
              List.of("-Xmx256m"))) {
        second.awaitReady(WAIT);
        timelines.awaitDistinct(TRACES);
        assertThat(second.terminate(Duration.ofSeconds(45))).isZero();
      }
      assertThat(timelines.distinct()).containsExactlyInAnyOrderElementsOf(traces);
      assertThat(timelines.readToEnd()).as("no trace emitted twice").hasSize(TRACES);
    } finally {
      producing.shutdownNow();
    }
  }

  @Test
  void badOptionsAreAllListedWithExitCodeTwo() {
    TracelineRun cli = new TracelineRun();
    int code =
        cli.run(
            "correlate",
            "--bootstrap-servers",
            " ",
            "--processing-guarantee",
            "sometimes",
            "--gap",
            "0s");
    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("--bootstrap-servers")
        .contains("--processing-guarantee")
        .contains("inactivityGap");
  }

  /** Writes TRACES traces of EVENTS_PER_TRACE events, one trace every 20 ms; their ids. */
  private static List<String> produceTraces(EmbeddedKafka kafka) throws Exception {
    List<String> traces = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int t = 0; t < TRACES; t++) {
        String trace = String.format(Locale.ROOT, "%032x", 0xc0ffee0000L + t);
        long t0 = System.currentTimeMillis();
        for (int n = 0; n < EVENTS_PER_TRACE; n++) {
          LogEvent e =
              LogEvent.builder()
                  .id(t + "-" + n)
                  .timestamp(t0 + n)
                  .ingestedAt(t0 + n)
                  .trace(trace, TraceIdFormat.HEX32)
                  .service(n % 2 == 0 ? "api" : "worker")
                  .kind(EventKind.APP)
                  .message("line " + n)
                  .build();
          producer
              .send(new ProducerRecord<>(Topics.EVENTS, trace, Json.writeEvent(e)))
              .get(30, TimeUnit.SECONDS);
        }
        traces.add(trace);
        Thread.sleep(20); // paces the workload over about six seconds; not a wait for a condition
      }
    }
    return traces;
  }

  /** Reads the timelines topic as a read_committed consumer would (what alerting consumers see). */
  private static final class TimelineReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Timeline> read = new ArrayList<>();

    TimelineReader(EmbeddedKafka kafka) {
      consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                  ConsumerConfig.GROUP_ID_CONFIG, "correlate-command-it-reader",
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
              new StringDeserializer(),
              new ByteArrayDeserializer());
      consumer.subscribe(List.of(Topics.TIMELINES));
    }

    List<Timeline> read() {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        read.add(Json.readTimeline(r.value()));
      }
      return read;
    }

    /** Everything up to the topic's last committed record. */
    List<Timeline> readToEnd() {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        assertThat(System.nanoTime()).as("reading to the end").isLessThan(deadline);
        read();
      }
      return read();
    }

    Set<String> distinct() {
      Set<String> traces = new HashSet<>();
      for (Timeline timeline : read()) {
        traces.add(timeline.traceId());
      }
      return traces;
    }

    void awaitAtLeast(int n) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (read().size() < n) {
        assertThat(System.nanoTime()).as("%s timelines", n).isLessThan(deadline);
      }
    }

    void awaitDistinct(int n) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (distinct().size() < n) {
        assertThat(System.nanoTime()).as("%s distinct timelines", n).isLessThan(deadline);
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
