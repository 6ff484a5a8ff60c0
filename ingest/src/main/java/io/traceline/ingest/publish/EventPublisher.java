package io.traceline.ingest.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.traceline.ingest.DeadLetter;
import io.traceline.ingest.Outcome;
import io.traceline.model.DeadLetters;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * unkeyed events to {@link Topics#UNKEYED} (key = {@code logGroup|logStream}), request links to
 * {@link Topics#REQUEST_LINKS} (the same key, {@link RequestLink#streamKey()}, so that a log
 * stream's links and unkeyed events land in partitions of the same number), dead letters to {@link
 * Topics#DLQ} (value = the original bytes; reason, detail (at most 1 KiB), stage {@code ingest},
 * source, shard and sequence in {@link DeadLetters} headers). Event values are {@link
 * Json#writeEvent}, link values {@link Json#writeLink}.
 *
 * <p>Sends are asynchronous. {@link #publish} returns a {@link Publication} that tracks the sends
 * of that call alone: a caller checkpoints its input only when {@link Publication#await} reports no
 * failure (nothing lost; duplicates after a retry are removed downstream by event id). Several
 * callers never see each other's failures.
 *
 * <p>A dead letter's payload is cut to {@link #MAX_DLQ_PAYLOAD_BYTES} (a Kinesis record may hold 1
 * MiB, more than a default Kafka request) with its original size and SHA-256 in headers, so a dead
 * letter can always be written.
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

  /** Most bytes of a dead letter's payload; longer ones are cut (size and digest in headers). */
  public static final int MAX_DLQ_PAYLOAD_BYTES = 900 * 1024;

  /** The stage name in DLQ headers. */
  public static final String STAGE = "ingest";

  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<byte[], byte[]> producer;
  private final KafkaClientMetrics clientMetrics;
  private final MeterRegistry registry;
  private final Map<String, TopicCounters> counters = new ConcurrentHashMap<>();
  private final AtomicLong failedTotal = new AtomicLong();
  private final AtomicInteger failedInTransaction = new AtomicInteger();
  private volatile boolean inTransaction;
  private final AtomicReference<Exception> firstFailureInTransaction = new AtomicReference<>();

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
    this.registry = Objects.requireNonNull(registry, "registry");
    for (String topic :
        List.of(
            Topics.EVENTS,
            Topics.UNKEYED,
            Topics.REQUEST_LINKS,
            Topics.DLQ,
            Topics.INGEST_CHECKPOINTS)) {
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

  /**
   * Sends every event, request link and dead letter of {@code outcome}; returns without waiting.
   *
   * @return the sends of this call, to await before checkpointing the input
   */
  public Publication publish(Outcome outcome) {
    Publication publication =
        new Publication(
            outcome.keyed().size()
                + outcome.unkeyed().size()
                + outcome.links().size()
                + outcome.deadLetters().size());
    for (LogEvent event : outcome.keyed()) {
      // Marked as the writer's JSON: the correlator keeps and copies it as it is.
      RecordHeaders headers = new RecordHeaders();
      headers.add(Json.CANONICAL_EVENT_HEADER, Json.canonicalEventForm());
      send(
          new ProducerRecord<>(
              Topics.EVENTS, null, utf8(event.traceId()), Json.writeEvent(event), headers),
          publication);
    }
    for (LogEvent event : outcome.unkeyed()) {
      send(
          new ProducerRecord<>(
              Topics.UNKEYED,
              utf8(RequestLink.streamKey(event.logGroup(), event.logStream())),
              Json.writeEvent(event)),
          publication);
    }
    for (RequestLink link : outcome.links()) {
      send(
          new ProducerRecord<>(Topics.REQUEST_LINKS, utf8(link.streamKey()), Json.writeLink(link)),
          publication);
    }
    for (DeadLetter deadLetter : outcome.deadLetters()) {
      send(deadLetterRecord(deadLetter), publication);
    }
    return publication;
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
    byte[] payload = deadLetter.payload();
    if (payload.length > MAX_DLQ_PAYLOAD_BYTES) {
      headers.add(DeadLetters.PAYLOAD_SIZE, utf8(Integer.toString(payload.length)));
      headers.add(DeadLetters.PAYLOAD_SHA256, utf8(sha256(payload)));
      payload = Arrays.copyOf(payload, MAX_DLQ_PAYLOAD_BYTES);
    }
    return new ProducerRecord<>(Topics.DLQ, null, null, utf8(key), payload, headers);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private void send(ProducerRecord<byte[], byte[]> record, Publication publication) {
    TopicCounters topic =
        counters.computeIfAbsent(record.topic(), name -> new TopicCounters(registry, name));
    CountingCallback callback = new CountingCallback(topic, publication);
    if (inTransaction && failedInTransaction.get() > 0) {
      // the transaction cannot commit any more: do not block on a send that cannot matter
      if (publication != null) {
        publication.completed(false);
      }
      return;
    }
    try {
      var unused = producer.send(record, callback); // the callback counts
    } catch (KafkaException | IllegalStateException e) {
      // buffer exhausted, metadata timeout, closed or fenced producer: counted, and the
      // publication reports it so the input is not checkpointed
      callback.onCompletion(null, e);
    }
  }

  /**
   * Prepares transactional publishing ({@link #beginTransaction}): the producer must have been
   * created with a {@code transactional.id}. Fences any earlier producer with the same id and
   * aborts its open transaction, so its uncommitted sends never become visible.
   *
   * @throws KafkaException when the cluster cannot be reached in time ({@code max.block.ms}) or the
   *     id is fenced or not authorised
   */
  public void initTransactions() {
    producer.initTransactions();
  }

  /**
   * Starts a transaction (transactional publishers only): what {@link #publish} and {@link
   * #publishRecord} send until {@link #commitTransaction} becomes visible to read_committed
   * consumers all at once, or not at all. One transaction at a time, from one thread.
   */
  public void beginTransaction() {
    producer.beginTransaction();
    failedInTransaction.set(0);
    firstFailureInTransaction.set(null);
    inTransaction = true;
  }

  /**
   * Sends a record to any topic (e.g. a checkpoint) as part of the current transaction or, without
   * one, on its own; a failure is counted like every other send.
   */
  public void publishRecord(ProducerRecord<byte[], byte[]> record) {
    send(record, null);
  }

  /**
   * Commits the current transaction, flushing its sends first; blocks until Kafka acknowledged.
   *
   * <p>On failure nothing of the transaction becomes visible: call {@link #abortTransaction}; if
   * that fails too, close this publisher and create a new one, whose {@link #initTransactions}
   * aborts what is left. A {@link org.apache.kafka.common.errors.ProducerFencedException} (also as
   * a cause) means another producer with the same transactional id took over: stop.
   *
   * @throws KafkaException when a send of the transaction or the commit failed
   */
  public void commitTransaction() {
    checkTransaction(); // never commit a transaction that misses a send
    producer.commitTransaction(); // flushes; throws when a send of this transaction failed
    inTransaction = false;
  }

  /**
   * Throws when a send of the current transaction has failed already, so that a caller with many
   * records to send stops early: while the cluster is unreachable each send may block for {@code
   * max.block.ms} before it fails.
   *
   * @throws KafkaException with the first failure as its cause
   */
  public void checkTransaction() {
    int failed = failedInTransaction.get();
    if (failed > 0) {
      throw new KafkaException(
          failed + " sends of the transaction failed", firstFailureInTransaction.get());
    }
  }

  /**
   * Aborts the current transaction: none of its sends will ever be visible to read_committed
   * consumers.
   *
   * @throws KafkaException when Kafka cannot be reached or the producer was fenced
   */
  public void abortTransaction() {
    producer.abortTransaction();
    inTransaction = false;
  }

  /** Sends everything buffered now and waits for it (all callers' sends). */
  public void flush() {
    producer.flush();
  }

  /** The sends of one {@link #publish} call. Thread-safe; completed by the producer's callbacks. */
  public final class Publication {
    private final CountDownLatch pending;
    private final AtomicInteger failed = new AtomicInteger();

    private Publication(int sends) {
      this.pending = new CountDownLatch(sends);
    }

    /**
     * Flushes the producer and waits until every send of this publication completed.
     *
     * @return how many of its sends failed; zero means everything was published
     * @throws InterruptedException when interrupted while waiting
     */
    public int await() throws InterruptedException {
      if (pending.getCount() > 0) {
        producer.flush();
        pending.await();
      }
      return failed.get();
    }

    /** Whether every send of this publication completed (successfully or not). */
    public boolean isDone() {
      return pending.getCount() == 0;
    }

    void completed(boolean ok) {
      if (!ok) {
        failed.incrementAndGet();
      }
      pending.countDown();
    }
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
    failedInTransaction.incrementAndGet();
    firstFailureInTransaction.compareAndSet(null, e);
    if (failedTotal.getAndIncrement() == 0) {
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
    private final Publication publication;

    CountingCallback(TopicCounters topic, Publication publication) {
      this.topic = topic;
      this.publication = publication;
    }

    @Override
    public void onCompletion(
        org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
      if (e == null) {
        topic.published.increment();
      } else {
        onFailure(topic, e);
      }
      if (publication != null) {
        publication.completed(e == null);
      }
    }
  }
}
