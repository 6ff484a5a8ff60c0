package io.traceline.ingest.kinesis;

import io.traceline.embedded.EmbeddedKafka;
import io.traceline.ingest.aws.AwsClients;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Test fixture for the Kinesis path (also used by the app's tests through this module's test jar):
 * streams on kinesalite, CloudWatch subscription records with known event ids put into them, and
 * the ids that reached {@code traceline.events}, read with read_committed. Each stream's events
 * carry the log group {@code /ecs/<stream>}, so tests sharing a broker do not see each other's.
 */
public final class KinesisTestStreams {

  /** How long a fixture waits for an outcome. */
  public static final Duration WAIT = Duration.ofSeconds(90);

  /** Events in each record {@link #put} writes. */
  public static final int EVENTS_PER_MESSAGE = 5;

  private KinesisTestStreams() {}

  /** A client for kinesalite (static test credentials, no SDK retries). */
  public static KinesisClient client(URI endpoint) {
    return AwsClients.kinesis(
        "us-east-1",
        endpoint,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
  }

  /** Creates a stream and waits until it is active. */
  public static void createStream(KinesisClient kinesis, String stream, int shards) {
    kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
    awaitActive(kinesis, stream);
  }

  /** Waits until the stream is active (after creation or a reshard). */
  public static void awaitActive(KinesisClient kinesis, String stream) {
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
  public static List<String> put(KinesisClient kinesis, String stream, int from, int count) {
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
  public static List<String> awaitEvents(EmbeddedKafka kafka, String stream, int count) {
    return poll(
        count + " events of " + stream,
        WAIT,
        () -> {
          List<String> ids = eventIds(kafka, stream);
          return ids.size() >= count ? ids : null;
        });
  }

  /** The ids of the stream's events in {@code traceline.events} (committed), duplicates kept. */
  public static List<String> eventIds(EmbeddedKafka kafka, String stream) {
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : kafka.readCommitted(Topics.EVENTS)) {
      LogEvent event = Json.readEvent(record.value());
      if (event.logGroup().equals("/ecs/" + stream)) {
        ids.add(event.id());
      }
    }
    return ids;
  }

  /** Polls {@code probe} until it returns non-null and not false, at most {@code timeout}. */
  public static <T> T poll(String awaited, Duration timeout, Supplier<T> probe) {
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
        Thread.sleep(100); // the polling interval, bounded by the deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + awaited, e);
      }
    }
  }
}
