package io.traceline.sink.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.traceline.model.DeadLetters;
import io.traceline.model.Topics;
import io.traceline.sink.opensearch.Doc;
import io.traceline.sink.opensearch.DocKind;
import io.traceline.sink.opensearch.Documents;
import io.traceline.sink.opensearch.ItemResult;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import io.traceline.sink.opensearch.OpenSearchUnavailableException;
import io.traceline.sink.opensearch.Outcome;
import io.traceline.sink.opensearch.Removal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink stage: consumes {@code traceline.timelines}, {@code traceline.alerts} and {@code
 * traceline.service-edges} and indexes them into OpenSearch, one bulk request per poll.
 *
 * <p>A record is acknowledged when OpenSearch stored it ({@code INDEXED}), already has that or a
 * newer revision ({@code STALE}), or when it went to {@code traceline.dlq} (it does not parse, or
 * OpenSearch rejected it); a stored revision that moved into the previous month also needs the
 * removal of its earlier revision done (or failed for good). A record waiting to be sent again is
 * acknowledged without another attempt once a newer revision of its document is stored in the same
 * batch. Offsets are committed only when every record of the poll is acknowledged, so a crash
 * replays what was not, and the external versions make the replay harmless. Retryable items are
 * sent again, alone, with bounded exponential backoff and jitter, until OpenSearch takes them; when
 * OpenSearch is unavailable as a whole, every assigned partition is paused and the batch is sent
 * again with backoff, while the consumer keeps polling (so it stays in its group) and fetches
 * nothing.
 *
 * <p>Owns one consumer, one DLQ producer and the poll thread it starts in {@link #start()}; not the
 * indexer. {@link #close()} may be called from any thread: it stops the loop without committing
 * unacknowledged records and closes the clients.
 */
public final class SinkService implements AutoCloseable {

  /** The stage name in dead letters' headers. */
  static final String STAGE = "sink";

  /** DLQ reason: the record is not a document of its topic (the detail says why). */
  static final String UNDECODABLE = "undecodable-record";

  /** DLQ reason: OpenSearch refused the document (mapping, parse); the detail is its error. */
  static final String REJECTED = "opensearch-rejected";

  /** Every DLQ reason, so the counters exist (at zero) from the start. */
  static final List<String> DLQ_REASONS = List.of(UNDECODABLE, REJECTED);

  /** The topics consumed, and the kind of document each holds. */
  static final Map<String, DocKind> TOPICS =
      Map.of(
          Topics.TIMELINES, DocKind.TIMELINE,
          Topics.ALERTS, DocKind.ALERT,
          Topics.SERVICE_EDGES, DocKind.SERVICE_EDGE);

  private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final long MIN_CLIENT_CLOSE_SECONDS = 5;
  private static final Duration DLQ_SEND_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_DETAIL = 1024;

  private final SinkSettings settings;
  private final OpenSearchIndexer indexer;
  private final SinkMetrics metrics;
  private final Clock clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final KafkaClientMetrics consumerMetrics;
  private final KafkaClientMetrics producerMetrics;
  private volatile Throwable failure;
  private volatile boolean templatesInstalled;
  private volatile boolean joined;
  private volatile boolean opensearchUnavailable;
  private boolean paused;
  private Batch batch = new Batch();
  private boolean closed;

  /**
   * @param settings the consumer's settings; must have no {@link SinkSettings#problems()}
   * @param indexer where documents go; the caller closes it after this service
   * @param registry where the counters go
   * @param clock what deletes expired indices measures their age against
   */
  public SinkService(
      SinkSettings settings, OpenSearchIndexer indexer, MeterRegistry registry, Clock clock) {
    if (!settings.problems().isEmpty()) {
      throw new IllegalArgumentException("invalid sink settings: " + settings.problems());
    }
    this.settings = settings;
    this.indexer = indexer;
    this.metrics = new SinkMetrics(registry);
    this.clock = clock;
    this.consumer =
        new KafkaConsumer<>(
            consumerConfig(settings), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.producer =
        new KafkaProducer<>(
            producerConfig(settings), new ByteArraySerializer(), new ByteArraySerializer());
    this.thread = new Thread(this::run, "traceline-sink");
    this.consumerMetrics = new KafkaClientMetrics(consumer);
    consumerMetrics.bindTo(registry);
    this.producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);
  }

  /** The consumer's properties: the raw ones, then those the sink owns. */
  static Map<String, Object> consumerConfig(SinkSettings settings) {
    Map<String, Object> config = new HashMap<>(settings.properties());
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return config;
  }

  /**
   * The DLQ producer's properties: the raw ones a producer knows (security, client tuning; a
   * consumer's fetch settings would only be logged as unknown), then acks from every replica and
   * idempotence.
   */
  static Map<String, Object> producerConfig(SinkSettings settings) {
    Map<String, Object> config = new HashMap<>();
    Set<String> producerKeys = ProducerConfig.configNames();
    settings
        .properties()
        .forEach(
            (k, v) -> {
              if (producerKeys.contains(k)) {
                config.put(k, v);
              }
            });
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return config;
  }

  /** Starts the poll thread; call once. */
  public void start() {
    thread.start();
  }

  /** What stopped the loop on its own (a fatal error), or null while it runs or after a close. */
  public Throwable failure() {
    return failure;
  }

  /** Where the service is, for a readiness check. */
  public enum State {
    /** Installing the index templates (OpenSearch not reached yet). */
    STARTING,
    /** Templates installed; the consumer has not joined its group yet. */
    JOINING,
    /** Consuming and indexing. */
    RUNNING,
    /** The last request found OpenSearch unavailable; consumption is paused until it answers. */
    OPENSEARCH_UNAVAILABLE,
    /** The loop has ended (closed, or failed). */
    STOPPED
  }

  /** Where the service is now; from any thread. */
  public State state() {
    if (isStopped()) {
      return State.STOPPED;
    }
    if (opensearchUnavailable) {
      return State.OPENSEARCH_UNAVAILABLE;
    }
    if (!templatesInstalled) {
      return State.STARTING;
    }
    return joined ? State.RUNNING : State.JOINING;
  }

  /** Whether the loop has ended (closed, or failed: see {@link #failure()}). */
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** The poll loop, on its own thread. */
  private void run() {
    try {
      installTemplates();
      consumer.subscribe(TOPICS.keySet(), new Rebalance());
      Instant nextRetention = clock.instant();
      while (!stopping()) {
        if (!clock.instant().isBefore(nextRetention)) {
          nextRetention = clock.instant().plus(retention());
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (!records.isEmpty()) {
          process(records);
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // close() asked the loop to stop.
    } catch (RuntimeException | Error e) {
      if (!stopping()) {
        failure = e;
        LOG.error("the sink stopped", e);
      }
    } finally {
      stopped.countDown();
    }
  }

  private boolean stopping() {
    return stop.getCount() == 0;
  }

  /** Installs the index templates, waiting with backoff while OpenSearch is unavailable. */
  private void installTemplates() throws InterruptedException {
    Backoff backoff = backoff();
    while (!stopping()) {
      try {
        indexer.installTemplates();
        opensearchUnavailable = false;
        templatesInstalled = true;
        return;
      } catch (OpenSearchUnavailableException e) {
        opensearchUnavailable = true;
        LOG.warn("cannot install the index templates yet: {}", e.getMessage());
        if (stop.await(backoff.next().toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    }
  }

  /**
   * Deletes expired indices; returns when to try next (an unavailable OpenSearch is tried again in
   * a minute).
   */
  private Duration retention() {
    try {
      List<String> deleted = indexer.deleteExpired(clock.instant());
      if (!deleted.isEmpty()) {
        LOG.info("deleted expired indices {}", deleted);
      }
      return settings.retentionInterval();
    } catch (OpenSearchUnavailableException e) {
      LOG.warn("cannot delete expired indices now: {}", e.getMessage());
      return Duration.ofMinutes(1);
    }
  }

  /** Indexes one poll's records and commits them once every one is acknowledged. */
  private void process(ConsumerRecords<byte[], byte[]> records) {
    batch = new Batch();
    List<Pending> pending = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      batch.add(partition, record.offset());
      try {
        Doc doc = Documents.of(TOPICS.get(record.topic()), record.key(), record.value());
        pending.add(new Pending(record, partition, doc));
      } catch (IllegalArgumentException e) {
        deadLetter(record, UNDECODABLE, String.valueOf(e.getMessage()));
        batch.acknowledge(partition, record.offset());
      }
    }
    if (index(pending)) {
      commit(batch.committable());
    }
  }

  /**
   * Sends the documents until each is acknowledged; pauses consumption while waiting. False when
   * the service is stopping first.
   */
  private boolean index(List<Pending> documents) {
    List<Pending> pending = documents;
    Backoff backoff = backoff();
    try {
      while (!pending.isEmpty()) {
        if (stopping()) {
          return false;
        }
        List<ItemResult> results;
        try {
          results = indexer.index(pending.stream().map(Pending::doc).toList());
          opensearchUnavailable = false;
        } catch (OpenSearchUnavailableException e) {
          opensearchUnavailable = true;
          if (!paused) {
            metrics.outages.increment();
            LOG.warn("OpenSearch is unavailable, pausing consumption: {}", e.getMessage());
          }
          waitPaused(backoff.next());
          metrics.retried.increment();
          pending = assigned(pending);
          continue;
        }
        List<Pending> retry = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
          ItemResult result = results.get(i);
          Pending item = pending.get(i);
          metrics.documents(result.outcome()).increment();
          if (result.outcome() == Outcome.INDEXED || result.outcome() == Outcome.STALE) {
            batch.stored(item.doc());
          }
          if (result.removal() != null) {
            metrics.removals(result.removal().result()).increment();
          }
          if (result.retryable()) {
            retry.add(item);
            continue;
          }
          if (result.outcome() == Outcome.REJECTED) {
            deadLetter(item.record(), REJECTED, result.reason());
          }
          if (result.removal() != null && result.removal().result() == Removal.Result.FAILED) {
            LOG.warn(
                "cannot delete the earlier revision of {} from {}: {} {}; readers see the newer"
                    + " one (they keep the highest revision of a trace)",
                item.doc().id(),
                item.doc().movedFrom(),
                result.removal().status(),
                result.removal().reason());
          }
          batch.acknowledge(item.partition(), item.record().offset());
        }
        retry = unsuperseded(retry);
        if (!retry.isEmpty()) {
          waitPaused(backoff.next());
          metrics.retried.increment();
        }
        pending = assigned(retry);
      }
      return true;
    } finally {
      if (paused) {
        paused = false;
        consumer.resume(consumer.assignment());
        if (backoff.attempts() > 0) {
          LOG.info("OpenSearch took the batch after {} attempts, resuming", backoff.attempts() + 1);
        }
      }
    }
  }

  /**
   * The items to send again, without those a newer revision stored in this batch supersedes: those
   * are acknowledged (and counted as stale) instead.
   */
  private List<Pending> unsuperseded(List<Pending> retry) {
    List<Pending> left = new ArrayList<>(retry.size());
    for (Pending item : retry) {
      if (batch.superseded(item.doc())) {
        metrics.documents(Outcome.STALE).increment();
        batch.acknowledge(item.partition(), item.record().offset());
      } else {
        left.add(item);
      }
    }
    return left;
  }

  /** The items whose partition is still assigned (a rebalance during a wait may revoke some). */
  private List<Pending> assigned(List<Pending> items) {
    return items.stream().filter(p -> batch.contains(p.partition())).toList();
  }

  /**
   * Waits with every assigned partition paused, polling meanwhile so the consumer keeps its group
   * membership: paused partitions return no records.
   */
  private void waitPaused(Duration wait) {
    if (!paused) {
      paused = true;
      consumer.pause(consumer.assignment());
    }
    long deadline = System.nanoTime() + wait.toNanos();
    long left;
    while (!stopping() && (left = deadline - System.nanoTime()) > 0) {
      ConsumerRecords<byte[], byte[]> records =
          consumer.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())));
      if (!records.isEmpty()) {
        throw new IllegalStateException(
            "a paused consumer returned " + records.count() + " records");
      }
    }
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (!offsets.isEmpty()) {
      consumer.commitSync(offsets);
    }
  }

  /** Sends a dead letter and waits for the broker's acknowledgement. */
  private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(DeadLetters.REASON, utf8(reason));
    headers.add(DeadLetters.DETAIL, utf8(truncate(detail)));
    headers.add(DeadLetters.STAGE, utf8(STAGE));
    headers.add(DeadLetters.SOURCE, utf8(record.topic()));
    headers.add(DeadLetters.PARTITION, utf8(Integer.toString(record.partition())));
    headers.add(DeadLetters.OFFSET, utf8(Long.toString(record.offset())));
    try {
      producer
          .send(new ProducerRecord<>(Topics.DLQ, null, record.key(), record.value(), headers))
          .get(DLQ_SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending a dead letter", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot send a dead letter to " + Topics.DLQ, e);
    }
    metrics.deadLetter(reason).increment();
    LOG.warn(
        "dead letter from {}-{}@{}: {}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        reason,
        truncate(detail));
  }

  private static String truncate(String detail) {
    if (detail.length() <= MAX_DETAIL) {
      return detail;
    }
    int end =
        Character.isHighSurrogate(detail.charAt(MAX_DETAIL - 1)) ? MAX_DETAIL - 1 : MAX_DETAIL;
    return detail.substring(0, end);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private Backoff backoff() {
    return new Backoff(
        settings.initialBackoff(),
        settings.maxBackoff(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Stops the loop, waiting up to 30 s for the work in flight: see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops the loop, then closes the consumer and the DLQ producer. The loop first finishes the work
   * in flight: a bulk request under way completes and what it stored is committed; a batch still
   * waiting to be retried is abandoned, not committed (it is read again). When the loop has not
   * ended within {@code timeout} (OpenSearch hangs), the consumer is woken up and the batch
   * abandoned; the clients then get what is left of the timeout, at least {@value
   * #MIN_CLIENT_CLOSE_SECONDS} s, to close. Idempotent.
   *
   * @return whether the loop finished its work within {@code timeout} and the clients closed
   */
  public boolean close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    stop.countDown();
    boolean clean = true;
    try {
      if (thread.isAlive() && !stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        clean = false;
        LOG.warn("the work in flight did not finish within {}; abandoning it", timeout);
        consumer.wakeup();
        thread.join(Duration.ofSeconds(MIN_CLIENT_CLOSE_SECONDS).toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clean = false;
    }
    synchronized (this) {
      if (!closed) {
        closed = true;
        Duration left =
            Duration.ofNanos(
                Math.max(
                    deadline - System.nanoTime(),
                    Duration.ofSeconds(MIN_CLIENT_CLOSE_SECONDS).toNanos()));
        clean &= closeClients(left);
      }
    }
    return clean;
  }

  /** Closes the consumer (unless the loop still holds it) and the producer; false on a failure. */
  private boolean closeClients(Duration timeout) {
    boolean clean = true;
    try {
      if (thread.isAlive() && !isStopped()) {
        // (once stopped is counted down, the loop no longer touches the consumer)
        LOG.warn("the poll loop still runs; its consumer is left to the process's exit");
        clean = false;
      } else {
        consumer.close(CloseOptions.timeout(timeout));
      }
    } catch (RuntimeException e) {
      LOG.warn("closing the consumer failed: {}", e.toString());
      clean = false;
    } finally {
      try {
        producer.close(timeout);
      } finally {
        consumerMetrics.close();
        producerMetrics.close();
      }
    }
    return clean;
  }

  /** A document waiting for OpenSearch, with the record it came from. */
  private record Pending(
      ConsumerRecord<byte[], byte[]> record, TopicPartition partition, Doc doc) {}

  /**
   * Commits what is acknowledged of revoked partitions and forgets them; pauses newly assigned ones
   * while the loop waits paused.
   */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commit(batch.committable(partitions));
      batch.drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      batch.drop(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      joined = true;
      if (paused) {
        consumer.pause(partitions);
      }
    }
  }
}
