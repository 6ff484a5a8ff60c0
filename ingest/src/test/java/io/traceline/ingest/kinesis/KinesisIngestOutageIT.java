package io.traceline.ingest.kinesis;

import static io.traceline.ingest.kinesis.KinesisTestStreams.WAIT;
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
import io.traceline.embedded.junit.KinesaliteExtension;
import io.traceline.ingest.RecordProcessor;
import io.traceline.model.Topics;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Backpressure: while the broker is down, {@link KinesisIngest} reads nothing further (its
 * transactions fail and the shards rewind to their checkpoints); when the broker is back, it
 * continues, and every event is in Kafka exactly once.
 */
@ExtendWith(KinesaliteExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KinesisIngestOutageIT {

  @Test
  void whileKafkaIsDownReadingPausesAndNothingIsLost(Kinesalite kinesalite, @TempDir Path dir)
      throws Exception {
    String stream = "outage";
    EmbeddedKafka kafka = EmbeddedKafka.start(dir);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (KinesisClient kinesis = client(kinesalite.endpoint())) {
      kafka.createTopic(Topics.EVENTS, 3);
      kafka.createTopic(Topics.UNKEYED, 1);
      kafka.createTopic(Topics.DLQ, 1);
      createStream(kinesis, stream, 2);
      List<String> ids = new ArrayList<>(put(kinesis, stream, 0, 20));

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Map<String, Object> config = new HashMap<>();
      config.put("bootstrap.servers", kafka.bootstrapServers());
      config.put("max.block.ms", 3_000);
      config.put("request.timeout.ms", 3_000);
      config.put("delivery.timeout.ms", 6_000);
      config.put("transaction.timeout.ms", 30_000);
      KinesisIngest ingest =
          new KinesisIngest(
              KinesisSettings.defaults(stream)
                  .withPacing(
                      Duration.ofMillis(100),
                      Duration.ofMillis(500),
                      Duration.ofMillis(100),
                      Duration.ofSeconds(1)),
              kinesis,
              config,
              new RecordProcessor(registry),
              registry,
              Clock.systemUTC());
      Future<?> run =
          thread.submit(
              () -> {
                ingest.run();
                return null;
              });
      awaitEvents(kafka, stream, ids.size());

      kafka.close(); // the outage
      ids.addAll(put(kinesis, stream, 20, 20));
      poll(
          "a transaction attempted while Kafka is down",
          WAIT,
          () ->
              registry.get(KinesisIngest.TRANSACTIONS).tag("outcome", "aborted").counter().count()
                      + registry
                          .get(KinesisIngest.TRANSACTIONS)
                          .tag("outcome", "commit-retried")
                          .counter()
                          .count()
                  > 0);
      double committedDuringOutage =
          registry.get(KinesisIngest.TRANSACTIONS).tag("outcome", "committed").counter().count();

      kafka = EmbeddedKafka.restart(kafka);
      assertThat(awaitEvents(kafka, stream, ids.size())).containsExactlyInAnyOrderElementsOf(ids);
      ingest.stop();
      run.get(60, TimeUnit.SECONDS);

      assertThat(eventIds(kafka, stream)).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(
              registry
                  .get(KinesisIngest.TRANSACTIONS)
                  .tag("outcome", "committed")
                  .counter()
                  .count())
          .as("the records put during the outage were committed after it")
          .isGreaterThan(committedDuringOutage);
    } finally {
      thread.shutdownNow();
      kafka.close();
    }
  }
}
