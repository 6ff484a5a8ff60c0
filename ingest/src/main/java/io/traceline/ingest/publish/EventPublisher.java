package io.traceline.ingest.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.traceline.ingest.DeadLetter;
import io.traceline.ingest.Outcome;
import io.traceline.model.DeadLetters;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link Outcome}s to Kafka: keyed events to {@link Topics#EVENTS} (key = trace id),
 * unkeyed events to {@link Topics#UNKEYED} (key = {@code logGroup|logStream}), dead letters to
 * {@link Topics#DLQ} (value = the original bytes; reason, detail (at most 1 KiB), stage {@code
 * ingest}, source, shard and sequence in {@link DeadLetters} headers). Event values are {@link
 * Json#writeEvent}.
 *
 * <p>Sends are asynchronous; a callback counts failures. {@link #flush()} waits for every send and
 * returns the number that failed since the previous flush: a caller checkpoints its input only when
 * that is zero (nothing lost; duplicates after a retry are removed downstream by event id).
 *
 * <p>Producer defaults: {@code acks=all}, {@code enable.idempotence=true}, {@code
 * compression.type=lz4}, {@code linger.ms=5}; byte-array serializers are forced. Overrides pass
 * through the config map, except that acks and idempotence cannot be weakened (rejected at
 * construction, listing every problem).
 *
 * <p>Owns its producer (also the one handed to the package-private constructor) and closes it in
 * {@link #close()}. Thread-safe: {@code publish} may be called from several shard readers (the
 * Kafka producer is thread-safe).
 *
 * <p>Counters: {@code traceline.ingest.published{topic}}, {@code
 * traceline.ingest.publish.failures{topic}}; Kafka's own producer metrics are bound to the same
 * registry.
 */
public final class EventPublisher implements AutoCloseable {

  public static final String PUBLISHED = "traceline.ingest.published";
  public static final String PUBLISH_FAILURES = "traceline.ingest.publish.failures";

  /** Most bytes of the DLQ detail header. */
  public static final int MAX_DETAIL_BYTES = 1024;

  /** The stage name in DLQ headers. */
  public static final String STAGE = "ingest";

  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<byte[], byte[]> producer;
  private final KafkaClientMetrics clientMetrics;
  private final Map<String, TopicCounters> counters = new HashMap<>();
  private final AtomicLong failedSinceFlush = new AtomicLong();
  private final AtomicLong failedTotal = new AtomicLong();

  /**
   * Creates a publisher and its producer.
   *
   * @param producerConfig Kafka producer configs ({@code bootstrap.servers} at least)
   * @param registry where the counters live
   * @throws IllegalArgumentException listing every problem in the config
   */
  public EventPublisher(Map<String, ?> producerConfig, MeterRegistry registry) {
    this(new KafkaProducer<>(effectiveConfig(producerConfig)), registry);
  }

  /** Wraps a producer (tests: MockProducer); takes ownership of it. */
  EventPublisher(Producer<byte[], byte[]> producer, MeterRegistry registry) {
    this.producer = Objects.requireNonNull(producer, "producer");
    Objects.requireNonNull(registry, "registry");
    for (String topic : List.of(Topics.EVENTS, Topics.UNKEYED, Topics.DLQ)) {
      counters.put(topic, new TopicCounters(registry, topic));
    }
    this.clientMetrics = new KafkaClientMetrics(producer);
    clientMetrics.bindTo(registry);
  }

  /**
   * The producer configs actually used: defaults, then {@code overrides}, then the forced
   * serializers.
   *
   * @throws IllegalArgumentException listing every problem
   */
  static Map<String, Object> effectiveConfig(Map<String, ?> overrides) {
    Objects.requireNonNull(overrides, "producerConfig");
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putAll(overrides);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    List<String> problems = new ArrayList<>();
    Object servers = config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (servers == null || servers.toString().isBlank()) {
      problems.add(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG + " is required");
    }
    String acks = String.valueOf(config.get(ProducerConfig.ACKS_CONFIG)).trim();
    if (!acks.equals("all") && !acks.equals("-1")) {
      problems.add(ProducerConfig.ACKS_CONFIG + " must be all (was " + acks + ")");
    }
    String idempotence =
        String.valueOf(config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG))
            .trim()
            .toLowerCase(Locale.ROOT);
    if (!idempotence.equals("true")) {
      problems.add(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG + " must be true");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid ingest producer config: " + problems);
    }
    return config;
  }

  /** Sends every event and dead letter of {@code outcome}; returns without waiting. */
  public void publish(Outcome outcome) {
    for (LogEvent event : outcome.keyed()) {
      send(new ProducerRecord<>(Topics.EVENTS, utf8(event.traceId()), Json.writeEvent(event)));
    }
    for (LogEvent event : outcome.unkeyed()) {
      send(
          new ProducerRecord<>(
              Topics.UNKEYED,
              utf8(event.logGroup() + "|" + event.logStream()),
              Json.writeEvent(event)));
    }
    for (DeadLetter deadLetter : outcome.deadLetters()) {
      send(deadLetterRecord(deadLetter));
    }
  }

  static ProducerRecord<byte[], byte[]> deadLetterRecord(DeadLetter deadLetter) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(DeadLetters.REASON, utf8(deadLetter.reason()));
    headers.add(DeadLetters.DETAIL, boundedUtf8(deadLetter.detail(), MAX_DETAIL_BYTES));
    headers.add(DeadLetters.STAGE, utf8(STAGE));
    headers.add(DeadLetters.SOURCE, utf8(deadLetter.source().source()));
    if (deadLetter.source().shard() != null) {
      headers.add(DeadLetters.SHARD, utf8(deadLetter.source().shard()));
    }
    if (deadLetter.source().sequence() != null) {
      headers.add(DeadLetters.SEQUENCE, utf8(deadLetter.source().sequence()));
    }
    String key =
        deadLetter.source().shard() == null
            ? deadLetter.source().source()
            : deadLetter.source().source() + "|" + deadLetter.source().shard();
    return new ProducerRecord<>(Topics.DLQ, null, null, utf8(key), deadLetter.payload(), headers);
  }

  private void send(ProducerRecord<byte[], byte[]> record) {
    TopicCounters topic = counters.get(record.topic());
    try {
      var unused = producer.send(record, new CountingCallback(topic)); // the callback counts
    } catch (KafkaException | IllegalStateException e) {
      // buffer exhausted, metadata timeout, closed or fenced producer: counted, and the caller's
      // flush() reports it so the input is not checkpointed
      onFailure(topic, e);
    }
  }

  /**
   * Waits until every send so far has completed.
   *
   * @return how many sends failed since the previous flush; zero means everything published
   */
  public long flush() {
    producer.flush();
    return failedSinceFlush.getAndSet(0);
  }

  /** Sends that failed since this publisher was created. */
  public long failedSends() {
    return failedTotal.get();
  }

  /** Flushes, then closes the producer (waiting at most 30 s) and unbinds its metrics. */
  @Override
  public void close() {
    try {
      producer.close(CLOSE_TIMEOUT);
    } finally {
      clientMetrics.close();
    }
  }

  private void onFailure(TopicCounters topic, Exception e) {
    topic.failed.increment();
    failedTotal.incrementAndGet();
    if (failedSinceFlush.getAndIncrement() == 0) {
      LOG.warn("publishing to {} failed: {}", topic.topic, e.toString());
    } else {
      LOG.debug("publishing to {} failed: {}", topic.topic, e.toString());
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** UTF-8 bytes cut to {@code max}, never inside a multi-byte character. */
  static byte[] boundedUtf8(String value, int max) {
    byte[] bytes = utf8(value);
    if (bytes.length <= max) {
      return bytes;
    }
    int end = max;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // bytes[end] continues a character that started before it
    }
    return Arrays.copyOf(bytes, end);
  }

  private static final class TopicCounters {
    final String topic;
    final Counter published;
    final Counter failed;

    TopicCounters(MeterRegistry registry, String topic) {
      this.topic = topic;
      this.published = Counter.builder(PUBLISHED).tag("topic", topic).register(registry);
      this.failed = Counter.builder(PUBLISH_FAILURES).tag("topic", topic).register(registry);
    }
  }

  private final class CountingCallback implements Callback {
    private final TopicCounters topic;

    CountingCallback(TopicCounters topic) {
      this.topic = topic;
    }

    @Override
    public void onCompletion(
        org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
      if (e == null) {
        topic.published.increment();
      } else {
        onFailure(topic, e);
      }
    }
  }
}
