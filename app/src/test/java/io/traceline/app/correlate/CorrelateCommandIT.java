package io.traceline.app.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
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
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code traceline correlate} as a service: correlates, then stops cleanly when told to. */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(180)
class CorrelateCommandIT {

  @TempDir Path stateDir;

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

  @Test
  void correlatesUntilStoppedThenExitsZero(EmbeddedKafka kafka) throws Exception {
    CorrelateCommand command = new CorrelateCommand();
    CommandLine cl = new CommandLine(command);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> exit =
          runner.submit(
              () ->
                  cl.execute(
                      "--bootstrap-servers",
                      kafka.bootstrapServers(),
                      "--application-id",
                      "correlate-command-it",
                      "--state-dir",
                      stateDir.toString(),
                      "--gap",
                      "2s"));
      String trace = "0123456789abcdef0123456789abcdef";
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        long t0 = System.currentTimeMillis();
        for (int n = 0; n < 8; n++) {
          LogEvent e =
              LogEvent.builder()
                  .id("e" + n)
                  .timestamp(t0 + n * 10L)
                  .ingestedAt(t0 + n * 10L)
                  .trace(trace, TraceIdFormat.HEX32)
                  .service(n % 2 == 0 ? "api" : "worker")
                  .kind(EventKind.APP)
                  .message("line " + n)
                  .build();
          producer
              .send(new ProducerRecord<>(Topics.EVENTS, trace, Json.writeEvent(e)))
              .get(30, TimeUnit.SECONDS);
        }
      }
      Timeline timeline = readOne(kafka);
      assertThat(timeline.traceId()).isEqualTo(trace);
      assertThat(timeline.eventCount()).isEqualTo(8);

      command.requestStop();
      assertThat(exit.get(90, TimeUnit.SECONDS)).isZero();
    } finally {
      runner.shutdownNow();
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

  private static Timeline readOne(EmbeddedKafka kafka) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "correlate-command-it-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.TIMELINES));
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          return Json.readTimeline(r.value());
        }
      }
    }
    throw new AssertionError("no timeline within a minute");
  }
}
