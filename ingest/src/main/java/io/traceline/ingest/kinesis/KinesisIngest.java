package io.traceline.ingest.kinesis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.aws.Retry;
import io.traceline.ingest.parse.RequestMemory;
import io.traceline.ingest.publish.EventPublisher;
import io.traceline.model.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads the shards of one Kinesis stream that this instance owns and moves their records into
 * Kafka: each GetRecords batch is decoded and parsed by the {@link RecordProcessor}, and its
 * events, dead letters and the shard's new checkpoint are written in ONE Kafka transaction. A crash
 * at any point therefore neither loses nor duplicates events in Kafka: a restart continues after
 * the last committed checkpoint, and what an unfinished transaction had sent is never visible to
 * read_committed consumers.
 *
 * <ul>
 *   <li>Shards: {@code ListShards} (paginated) every {@link KinesisSettings#shardSyncInterval()}
 *       and at once after a shard ends; ownership and lineage per {@link ShardPlan} (a child starts
 *       only after its parents reached {@code SHARD_END}, also when another instance read them).
 *   <li>Pacing per shard: at most {@link KinesisSettings#readsPerSecondPerShard()} calls and {@link
 *       KinesisSettings#bytesPerSecondPerShard()} bytes per second; {@link
 *       KinesisSettings#idleInterval()} between reads at the tip; throttling ({@code
 *       ProvisionedThroughputExceededException}, {@code LimitExceededException}) and other failures
 *       back off with full jitter ({@link Retry#delay}); an expired iterator is renewed from the
 *       last checkpoint.
 *   <li>Backpressure: reading is synchronous with the commit, so while Kafka is slow the reads
 *       wait, and while it is down nothing is read (the transaction is aborted, the shard rewound
 *       to its checkpoint, and the publisher re-created with backoff). Nothing is dropped.
 *   <li>Fencing: the transactional id is {@link KinesisSettings#transactionalId()}; a replacement
 *       instance with the same index fences this one, which then ends {@link #run} with {@link
 *       IngestFencedException}.
 * </ul>
 *
 * <p>Metrics (besides the {@link RecordProcessor}'s and the {@link EventPublisher}'s): {@code
 * traceline.ingest.kinesis.reads{outcome=records|empty|throttled|expired-iterator|failed}}, {@code
 * traceline.ingest.kinesis.records}, {@code traceline.ingest.kinesis.bytes}, {@code
 * traceline.ingest.kinesis.transactions{outcome=committed|aborted|commit-retried}}, {@code
 * traceline.ingest.kinesis.sync.failures} (the shard list or the checkpoints could not be read:
 * Kinesis or Kafka unavailable), {@code traceline.ingest.kinesis.checkpoints.unreadable}
 * (checkpoint records skipped as unreadable), gauges {@code traceline.ingest.kinesis.shards} (owned
 * and readable now), {@code traceline.ingest.kinesis.millis.behind.latest{shard}} and {@code
 * traceline.ingest.kinesis.checkpoint.age{shard}} (ms since the shard's checkpoint was last written
 * or found current).
 *
 * <p>Ownership: the Kinesis client and the registry are the caller's; the producer, the checkpoint
 * consumer and the admin client are created and closed here. {@link #run} runs on the caller's
 * thread; {@link #stop} may be called from any thread.
 */
public final class KinesisIngest {

  public static final String READS = "traceline.ingest.kinesis.reads";
  public static final String RECORDS = "traceline.ingest.kinesis.records";
  public static final String BYTES = "traceline.ingest.kinesis.bytes";
  public static final String TRANSACTIONS = "traceline.ingest.kinesis.transactions";
  public static final String SHARDS = "traceline.ingest.kinesis.shards";
  public static final String SYNC_FAILURES = "traceline.ingest.kinesis.sync.failures";
  public static final String UNREADABLE_CHECKPOINTS =
      "traceline.ingest.kinesis.checkpoints.unreadable";
  public static final String MILLIS_BEHIND = "traceline.ingest.kinesis.millis.behind.latest";
  public static final String CHECKPOINT_AGE = "traceline.ingest.kinesis.checkpoint.age";

  private static final Logger LOG = LoggerFactory.getLogger(KinesisIngest.class);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Default {@code transaction.timeout.ms} of the producer: a transaction left open by a killed
   * instance holds back the checkpoint topic's read_committed end until the broker aborts it.
   */
  private static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000;

  private final KinesisSettings settings;
  private final KinesisClient kinesis;
  private final Map<String, Object> kafka;
  private final RecordProcessor processor;
  private final MeterRegistry registry;
  private final Clock clock;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final Map<String, ShardCursor> cursors = new LinkedHashMap<>();
  private final Map<String, List<Meter>> shardMeters = new HashMap<>();
  private final AtomicLong readableShards = new AtomicLong();
  private final Map<String, Counter> reads = new HashMap<>();
  private final Counter records;
  private final Counter bytes;
  private final Counter committed;
  private final Counter aborted;
  private final Counter syncFailures;
  private volatile boolean ready;

  private final Map<String, Checkpoint> ownCheckpoints = new HashMap<>();
  private final Counter commitRetries;
  private RequestMemory memory;
  private EventPublisher publisher;
  private volatile CheckpointLog checkpointLog;
  private FunctionCounter unreadableCheckpoints;
  private boolean reloadNeeded = true;
  private long runStartedAt;
  private List<ShardInfo> shards = List.of();
  private long nextSyncAt;
  private int kafkaFailures;

  /**
   * An ingest for one stream.
   *
   * @param settings validated settings ({@link KinesisSettings#problems()} empty)
   * @param kinesis the Kinesis client (its own retries are best switched off: this class retries)
   * @param kafka Kafka client configs shared by producer, consumer and admin ({@code
   *     bootstrap.servers}, security); producer and consumer settings pass through
   * @param processor decodes and parses records
   * @param registry where the metrics live
   * @param clock the wall clock (pacing, checkpoint times)
   */
  public KinesisIngest(
      KinesisSettings settings,
      KinesisClient kinesis,
      Map<String, ?> kafka,
      RecordProcessor processor,
      MeterRegistry registry,
      Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    List<String> problems = settings.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid Kinesis settings: " + problems);
    }
    this.kinesis = Objects.requireNonNull(kinesis, "kinesis");
    this.kafka = new HashMap<>(Objects.requireNonNull(kafka, "kafka"));
    this.processor = Objects.requireNonNull(processor, "processor");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    for (String outcome : List.of("records", "empty", "throttled", "expired-iterator", "failed")) {
      reads.put(outcome, Counter.builder(READS).tag("outcome", outcome).register(registry));
    }
    this.records = Counter.builder(RECORDS).register(registry);
    this.bytes = Counter.builder(BYTES).baseUnit("bytes").register(registry);
    this.committed = Counter.builder(TRANSACTIONS).tag("outcome", "committed").register(registry);
    this.aborted = Counter.builder(TRANSACTIONS).tag("outcome", "aborted").register(registry);
    this.syncFailures = Counter.builder(SYNC_FAILURES).register(registry);
    this.commitRetries =
        Counter.builder(TRANSACTIONS).tag("outcome", "commit-retried").register(registry);
    Gauge.builder(SHARDS, readableShards, AtomicLong::get).register(registry);
  }

  /**
   * Reads until {@link #stop} is called: returns after the transaction in flight is committed (or,
   * while Kafka is unavailable, abandoned: a restart reads it again from the checkpoint).
   *
   * @throws IngestFencedException when a replacement with the same transactional id took over
   * @throws InterruptedException when the thread is interrupted
   */
  public void run() throws InterruptedException {
    runStartedAt = clock.millis();
    memory =
        new RequestMemory(
            settings.transactionalId(),
            RequestMemory.DEFAULT_MAX_ENTRIES,
            RequestMemory.DEFAULT_MAX_AGE,
            registry);
    try (Admin admin = Admin.create(new HashMap<>(kafka));
        CheckpointLog log =
            new CheckpointLog(checkpointConsumer(), admin, settings.checkpointScope())) {
      checkpointLog = log;
      unreadableCheckpoints =
          FunctionCounter.builder(UNREADABLE_CHECKPOINTS, log, CheckpointLog::unreadable)
              .register(registry);
      ensureCheckpointTopic(admin);
      publisher = openPublisher();
      while (publisher != null && !stopped()) {
        long now = clock.millis();
        if (reloadNeeded || now >= nextSyncAt) {
          sync(log);
          continue;
        }
        ShardCursor next = earliest();
        long until = next == null ? nextSyncAt : Math.min(nextSyncAt, next.nextReadAt);
        if (until > now) {
          if (stopRequested.await(until - now, TimeUnit.MILLISECONDS)) {
            break;
          }
          continue;
        }
        readOnce(next);
      }
    } finally {
      ready = false;
      checkpointLog = null;
      if (unreadableCheckpoints != null) {
        registry.remove(unreadableCheckpoints);
      }
      memory.close();
      if (publisher != null) {
        publisher.close();
      }
      for (String shard : new ArrayList<>(shardMeters.keySet())) {
        removeShardMeters(shard);
      }
    }
  }

  /** Asks {@link #run} to return after the transaction in flight; from any thread. */
  public void stop() {
    stopRequested.countDown();
    CheckpointLog log = checkpointLog;
    if (log != null) {
      log.wakeup(); // a checkpoint read blocked on an unavailable cluster returns at once
    }
  }

  /** Whether the producer is initialised and the shards are known (for a readiness check). */
  public boolean ready() {
    return ready;
  }

  /** The shards being read now, with their last committed sequence number (for status output). */
  public Map<String, String> positions() {
    Map<String, String> positions = new LinkedHashMap<>();
    synchronized (cursors) {
      for (ShardCursor cursor : cursors.values()) {
        positions.put(cursor.shardId(), cursor.committedSequence);
      }
    }
    return positions;
  }

  private boolean stopped() {
    return stopRequested.getCount() == 0;
  }

  private ShardCursor earliest() {
    ShardCursor earliest = null;
    for (ShardCursor cursor : cursors.values()) {
      if (earliest == null || cursor.nextReadAt < earliest.nextReadAt) {
        earliest = cursor;
      }
    }
    return earliest;
  }

  // ---- one read, one transaction ----

  private void readOnce(ShardCursor cursor) throws InterruptedException {
    long now = clock.millis();
    GetRecordsResponse response;
    try {
      if (cursor.iterator == null) {
        cursor.iterator = iterator(cursor);
      }
      String iterator = cursor.iterator;
      response =
          kinesis.getRecords(b -> b.shardIterator(iterator).limit(settings.maxRecordsPerRead()));
    } catch (ExpiredIteratorException e) {
      reads.get("expired-iterator").increment();
      LOG.info("iterator of {} expired; renewing it from the checkpoint", cursor.shardId());
      cursor.rewind();
      return;
    } catch (SdkException e) {
      boolean retriable = Retry.classify(e) == Retry.Verdict.RETRY;
      boolean throttled = retriable && isThrottling(e);
      reads.get(throttled ? "throttled" : "failed").increment();
      cursor.failures++;
      cursor.nextReadAt = now + backoff(cursor.failures).toMillis();
      if (throttled) {
        LOG.debug("{} throttled; backing off", cursor.shardId());
      } else {
        LOG.warn(
            "reading {} failed (attempt {}): {}", cursor.shardId(), cursor.failures, e.toString());
      }
      if (!retriable) {
        cursor.rewind(); // the iterator may be the problem; a passing failure keeps it
      }
      return;
    }
    cursor.failures = 0;
    List<Record> batch = response.records();
    boolean shardEnd = response.nextShardIterator() == null;
    long batchBytes = 0;
    if (!batch.isEmpty() || shardEnd) {
      String last = batch.isEmpty() ? cursor.committedSequence : lastSequence(batch);
      for (Record record : batch) {
        batchBytes += record.data().asByteArrayUnsafe().length;
      }
      if (!commit(cursor, batch, new Checkpoint(last, shardEnd, now, settings.transactionalId()))) {
        return; // not committed: the shard was rewound to its checkpoint
      }
      cursor.committedSequence = last;
      records.increment(batch.size());
      bytes.increment((double) batchBytes);
      if (shardEnd) {
        LOG.info("{} reached its end at {}; its children may start", cursor.shardId(), last);
        removeCursor(cursor.shardId());
        nextSyncAt = now; // children become readable
        return;
      }
    }
    reads.get(batch.isEmpty() ? "empty" : "records").increment();
    long behind = response.millisBehindLatest() == null ? 0 : response.millisBehindLatest();
    cursor.millisBehindLatest = behind;
    if (!batch.isEmpty() || behind == 0) { // written now, or nothing after it
      cursor.checkpointConfirmedAt = clock.millis();
    }
    cursor.iterator = response.nextShardIterator();
    long perCall = 1000L / settings.readsPerSecondPerShard();
    long perBytes = batchBytes * 1000L / settings.bytesPerSecondPerShard();
    long wait = Math.max(perCall, perBytes);
    if (batch.isEmpty() && behind == 0) {
      wait = Math.max(wait, settings.idleInterval().toMillis());
    }
    cursor.nextReadAt = now + wait;
  }

  private static String lastSequence(List<Record> batch) {
    return batch.get(batch.size() - 1).sequenceNumber();
  }

  /**
   * Writes the batch's events and the shard's checkpoint in one transaction.
   *
   * @return whether it was committed; when not, the shard is rewound to its last checkpoint (and
   *     after a re-created producer every shard is reloaded from the checkpoint topic)
   * @throws IngestFencedException when another producer with this transactional id took over
   */
  private boolean commit(ShardCursor cursor, List<Record> batch, Checkpoint checkpoint)
      throws InterruptedException {
    boolean committing = false;
    try {
      publisher.beginTransaction();
      for (Record record : batch) {
        Source source = new Source(settings.stream(), cursor.shardId(), record.sequenceNumber());
        long ingestedAt =
            record.approximateArrivalTimestamp() == null
                ? checkpoint.committedAt()
                : record.approximateArrivalTimestamp().toEpochMilli();
        Outcome outcome =
            processor.process(record.data().asByteArrayUnsafe(), source, ingestedAt, memory);
        var unused = publisher.publish(outcome); // a failed send fails the commit
        publisher.checkTransaction(); // Kafka unreachable: stop now, not after every send blocked
      }
      publisher.publishRecord(
          new ProducerRecord<>(
              Topics.INGEST_CHECKPOINTS,
              Checkpoint.key(settings.checkpointScope(), cursor.shardId()),
              checkpoint.toJson()));
      committing = true;
      publisher.commitTransaction();
    } catch (RuntimeException failure) {
      if (!recover(failure, committing)) {
        cursor.rewind();
        memory.clear(); // it learned from the batch that will be read again
        return false;
      }
    }
    committed.increment();
    ownCheckpoints.put(cursor.shardId(), checkpoint);
    kafkaFailures = 0;
    return true;
  }

  /**
   * After a failed transaction: a commit that timed out is retried (Kafka's rule: it may have
   * completed, and aborting is not allowed then); anything else is aborted; when aborting fails
   * too, the producer is re-created (its initTransactions aborts what is left) and every shard
   * reloaded from the checkpoint topic, since a replacement may have written there meanwhile.
   * Reading waits all along: this is the backpressure.
   *
   * @return true when a retried commit succeeded after all
   * @throws IngestFencedException when another producer with this transactional id took over
   */
  private boolean recover(RuntimeException failure, boolean committing)
      throws InterruptedException {
    RuntimeException current = failure;
    if (committing && current instanceof TimeoutException) {
      commitRetries.increment();
      while (!stopped()) {
        kafkaFailures++;
        LOG.warn("committing timed out (attempt {}); retrying the commit", kafkaFailures);
        pauseAfterKafkaFailure();
        try {
          publisher.commitTransaction();
          return true;
        } catch (TimeoutException again) {
          commitRetries.increment();
        } catch (RuntimeException other) {
          current = other;
          break;
        }
      }
      if (stopped()) {
        return false; // the outcome is unknown; the checkpoint topic knows it at the next start
      }
    }
    throwIfFenced(current);
    aborted.increment();
    kafkaFailures++;
    LOG.warn(
        "a Kafka transaction failed (attempt {}); the shard is read again from its checkpoint: {}",
        kafkaFailures,
        current.toString());
    try {
      publisher.abortTransaction();
      pauseAfterKafkaFailure();
      return false;
    } catch (RuntimeException abortFailure) {
      throwIfFenced(abortFailure);
      LOG.warn("aborting failed too; re-creating the producer: {}", abortFailure.toString());
    }
    publisher.close();
    publisher = null;
    ready = false;
    pauseAfterKafkaFailure();
    publisher = openPublisher();
    reloadNeeded = true;
    return false;
  }

  private void throwIfFenced(RuntimeException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException) {
        publisher.close();
        publisher = null;
        throw new IngestFencedException(settings.transactionalId(), failure);
      }
    }
  }

  private static boolean isThrottling(SdkException e) {
    String text = e.getClass().getSimpleName() + " " + e.getMessage();
    return text.contains("ProvisionedThroughputExceeded")
        || text.contains("LimitExceeded")
        || text.contains("Throttling")
        || text.contains("Rate exceeded");
  }

  private String iterator(ShardCursor cursor) {
    GetShardIteratorRequest.Builder request =
        GetShardIteratorRequest.builder().streamName(settings.stream()).shardId(cursor.shardId());
    if (cursor.committedSequence != null) {
      request
          .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
          .startingSequenceNumber(cursor.committedSequence);
    } else if (cursor.continuesAParent || settings.startPosition() == StartPosition.TRIM_HORIZON) {
      request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
    } else {
      // LATEST is pinned to the time the reader started, so that a rewind, an expired iterator or
      // a child shard cannot skip what arrived since
      Instant at =
          settings.startPosition() == StartPosition.LATEST
              ? Instant.ofEpochMilli(runStartedAt)
              : settings.startTimestamp();
      request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(at);
    }
    return kinesis.getShardIterator(request.build()).shardIterator();
  }

  private void pauseAfterKafkaFailure() throws InterruptedException {
    long pause = backoff(kafkaFailures).toMillis();
    if (stopRequested.await(pause, TimeUnit.MILLISECONDS)) {
      LOG.info("stopping while Kafka is unavailable");
    }
  }

  private Duration backoff(int attempt) {
    return Retry.delay(
        Math.max(1, attempt), settings.retryBase(), settings.retryCap(), random.nextDouble());
  }

  // ---- Kafka clients ----

  /**
   * A transactional publisher, initialised; retries with backoff while Kafka is unreachable.
   *
   * @return the publisher, or null when stopped before Kafka could be reached
   */
  private EventPublisher openPublisher() throws InterruptedException {
    for (int attempt = 1; !stopped(); attempt++) {
      Map<String, Object> config = new HashMap<>(kafka);
      config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
      config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId());
      EventPublisher created = new EventPublisher(config, registry);
      try {
        created.initTransactions();
        LOG.info("transactional producer {} ready", settings.transactionalId());
        return created;
      } catch (RuntimeException e) {
        created.close();
        Duration pause = backoff(attempt);
        LOG.warn(
            "Kafka not ready for {} ({}); retrying in {}", settings.transactionalId(), e, pause);
        if (stopRequested.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      }
    }
    return null;
  }

  private KafkaConsumer<byte[], byte[]> checkpointConsumer() {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no group
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-checkpoints");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(config);
  }

  /**
   * Creates the compacted checkpoint topic when it is missing (one partition: it holds one small
   * record per shard). Deployments that create topics themselves (deploy/kafka) are left alone.
   */
  private static void ensureCheckpointTopic(Admin admin) throws InterruptedException {
    try {
      NewTopic topic =
          new NewTopic(Topics.INGEST_CHECKPOINTS, 1, (short) -1)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(List.of(topic)).all().get(KAFKA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      LOG.info("created the checkpoint topic {}", Topics.INGEST_CHECKPOINTS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        LOG.warn(
            "could not create {} ({}); expecting it to exist",
            Topics.INGEST_CHECKPOINTS,
            e.getCause().toString());
      }
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("could not create {} in time; expecting it to exist", Topics.INGEST_CHECKPOINTS);
    }
  }

  // ---- shards ----

  /**
   * Refreshes the shard list and the checkpoints and starts readers for the shards that became
   * readable. A reload (at the start and after a re-created producer) drops every reader and reads
   * the checkpoint topic completely (up to its last written offset, waiting for open transactions
   * to end), so that nothing committed by a predecessor or a replacement is read again. Between
   * reloads the topic is read incrementally and may lag (its read_committed end trails the
   * commits); this instance's own commits are laid over it, and for other instances' shards a lag
   * only delays a child.
   */
  private void sync(CheckpointLog log) {
    try {
      if (reloadNeeded) {
        for (String shard : new ArrayList<>(cursors.keySet())) {
          removeCursor(shard);
        }
        ownCheckpoints.clear();
        memory.clear();
      }
      List<ShardInfo> listed = listShards();
      Map<String, Checkpoint> checkpoints = new HashMap<>(log.refresh(KAFKA_TIMEOUT, reloadNeeded));
      checkpoints.putAll(ownCheckpoints);
      reloadNeeded = false;
      shards = listed;
      long now = clock.millis();
      for (ShardInfo shard :
          ShardPlan.readable(
              shards, checkpoints, settings.instanceIndex(), settings.instanceCount())) {
        if (!cursors.containsKey(shard.shardId())) {
          ShardCursor cursor =
              new ShardCursor(
                  shard,
                  ShardPlan.continuesAParent(shard, checkpoints),
                  checkpoints.get(shard.shardId()),
                  now);
          addCursor(cursor);
          LOG.info(
              "reading {} from {}",
              shard.shardId(),
              cursor.committedSequence == null ? "its start position" : cursor.committedSequence);
        }
      }
      readableShards.set(cursors.size());
      ready = true;
      nextSyncAt = clock.millis() + settings.shardSyncInterval().toMillis();
    } catch (SdkException | KafkaException e) {
      // the shards already known are still read (their transactions tell whether Kafka is up)
      syncFailures.increment();
      if (!stopped()) {
        LOG.warn("refreshing the shards of {} failed: {}", settings.stream(), e.toString());
      }
      nextSyncAt = clock.millis() + settings.shardSyncInterval().toMillis();
    }
  }

  private List<ShardInfo> listShards() {
    List<ShardInfo> listed = new ArrayList<>();
    String token = null;
    do {
      ListShardsRequest request =
          token == null
              ? ListShardsRequest.builder().streamName(settings.stream()).build()
              : ListShardsRequest.builder().nextToken(token).build();
      ListShardsResponse response = kinesis.listShards(request);
      for (Shard shard : response.shards()) {
        listed.add(ShardInfo.of(shard));
      }
      token = response.nextToken();
    } while (token != null);
    return List.copyOf(listed);
  }

  private void addCursor(ShardCursor cursor) {
    synchronized (cursors) {
      cursors.put(cursor.shardId(), cursor);
    }
    List<Meter> meters = new ArrayList<>(2);
    meters.add(
        Gauge.builder(MILLIS_BEHIND, cursor, c -> c.millisBehindLatest)
            .tag("shard", cursor.shardId())
            .baseUnit("milliseconds")
            .register(registry));
    meters.add(
        Gauge.builder(
                CHECKPOINT_AGE, cursor, c -> Math.max(0, clock.millis() - c.checkpointConfirmedAt))
            .tag("shard", cursor.shardId())
            .baseUnit("milliseconds")
            .register(registry));
    shardMeters.put(cursor.shardId(), meters);
  }

  private void removeCursor(String shardId) {
    synchronized (cursors) {
      cursors.remove(shardId);
    }
    readableShards.set(cursors.size());
    removeShardMeters(shardId);
  }

  private void removeShardMeters(String shardId) {
    List<Meter> meters = shardMeters.remove(shardId);
    if (meters != null) {
      for (Meter meter : meters) {
        registry.remove(meter);
      }
    }
  }
}
