package io.traceline.ingest.kinesis;

import io.micrometer.core.instrument.Counter;
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
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
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
 * traceline.ingest.kinesis.transactions{outcome=committed|aborted}}, {@code
 * traceline.ingest.kinesis.sync.failures} (the shard list or the checkpoints could not be read:
 * Kinesis or Kafka unavailable), gauges {@code traceline.ingest.kinesis.shards} (owned and readable
 * now), {@code traceline.ingest.kinesis.millis.behind.latest{shard}} and {@code
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
  public static final String MILLIS_BEHIND = "traceline.ingest.kinesis.millis.behind.latest";
  public static final String CHECKPOINT_AGE = "traceline.ingest.kinesis.checkpoint.age";

  private static final Logger LOG = LoggerFactory.getLogger(KinesisIngest.class);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

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

  private RequestMemory memory;
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
    Gauge.builder(SHARDS, readableShards, AtomicLong::get).register(registry);
  }

  /**
   * Reads until {@link #stop} is called: returns after the transaction in flight is committed.
   *
   * @throws IngestFencedException when a replacement with the same transactional id took over
   * @throws InterruptedException when the thread is interrupted
   */
  public void run() throws InterruptedException {
    ensureCheckpointTopic();
    EventPublisher publisher = openPublisher();
    memory =
        new RequestMemory(
            settings.transactionalId(),
            RequestMemory.DEFAULT_MAX_ENTRIES,
            RequestMemory.DEFAULT_MAX_AGE,
            registry);
    try (CheckpointLog log = new CheckpointLog(checkpointConsumer(), settings.stream())) {
      while (!stopped()) {
        long now = clock.millis();
        if (now >= nextSyncAt) {
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
        publisher = readOnce(next, publisher);
      }
    } finally {
      ready = false;
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

  private EventPublisher readOnce(ShardCursor cursor, EventPublisher publisher)
      throws InterruptedException {
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
      return publisher;
    } catch (SdkException e) {
      boolean throttled = Retry.classify(e) == Retry.Verdict.RETRY && isThrottling(e);
      reads.get(throttled ? "throttled" : "failed").increment();
      cursor.failures++;
      cursor.nextReadAt = now + backoff(cursor.failures).toMillis();
      if (throttled) {
        LOG.debug("{} throttled; backing off", cursor.shardId());
      } else {
        LOG.warn(
            "reading {} failed (attempt {}): {}", cursor.shardId(), cursor.failures, e.toString());
        cursor.rewind();
      }
      return publisher;
    }
    cursor.failures = 0;
    List<Record> batch = response.records();
    boolean shardEnd = response.nextShardIterator() == null;
    long batchBytes = 0;
    String last = cursor.committedSequence;
    if (!batch.isEmpty() || shardEnd) {
      try {
        publisher.beginTransaction();
        for (Record record : batch) {
          SdkBytes data = record.data();
          byte[] payload = data.asByteArrayUnsafe();
          batchBytes += payload.length;
          Source source = new Source(settings.stream(), cursor.shardId(), record.sequenceNumber());
          long ingestedAt =
              record.approximateArrivalTimestamp() == null
                  ? now
                  : record.approximateArrivalTimestamp().toEpochMilli();
          Outcome outcome = processor.process(payload, source, ingestedAt, memory);
          var unused = publisher.publish(outcome); // a failed send fails the commit
          last = record.sequenceNumber();
        }
        Checkpoint checkpoint =
            new Checkpoint(last, shardEnd, clock.millis(), settings.transactionalId());
        publisher.publishRecord(
            new ProducerRecord<>(
                Topics.INGEST_CHECKPOINTS,
                Checkpoint.key(settings.stream(), cursor.shardId()),
                checkpoint.toJson()));
        publisher.commitTransaction();
      } catch (KafkaException e) {
        aborted.increment();
        cursor.rewind();
        memory.clear(); // it learned from the batch that will be read again
        return recover(publisher, e);
      }
      committed.increment();
      kafkaFailures = 0;
      cursor.committedSequence = last;
      records.increment(batch.size());
      bytes.increment((double) batchBytes);
    }
    reads.get(batch.isEmpty() ? "empty" : "records").increment();
    long behind = response.millisBehindLatest() == null ? 0 : response.millisBehindLatest();
    cursor.millisBehindLatest = behind;
    if (!batch.isEmpty() || behind == 0) { // written now, or nothing after it
      cursor.checkpointConfirmedAt = clock.millis();
    }
    if (shardEnd) {
      LOG.info("{} reached its end at {}; its children may start", cursor.shardId(), last);
      removeCursor(cursor.shardId());
      nextSyncAt = now; // children become readable
      return publisher;
    }
    cursor.iterator = response.nextShardIterator();
    long perCall = 1000L / settings.readsPerSecondPerShard();
    long perBytes = batchBytes * 1000L / settings.bytesPerSecondPerShard();
    long wait = Math.max(perCall, perBytes);
    if (batch.isEmpty() && behind == 0) {
      wait = Math.max(wait, settings.idleInterval().toMillis());
    }
    cursor.nextReadAt = now + wait;
    return publisher;
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
    } else if (settings.startPosition() == StartPosition.LATEST) {
      request.shardIteratorType(ShardIteratorType.LATEST);
    } else {
      request
          .shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
          .timestamp(settings.startTimestamp());
    }
    return kinesis.getShardIterator(request.build()).shardIterator();
  }

  /**
   * After a failed transaction: abort it on the same producer when possible, else re-create the
   * publisher (its initTransactions aborts what is left), retrying with backoff while Kafka is
   * down. Reading waits meanwhile.
   */
  private EventPublisher recover(EventPublisher publisher, KafkaException failure)
      throws InterruptedException {
    if (fenced(failure)) {
      publisher.close();
      throw new IngestFencedException(settings.transactionalId(), failure);
    }
    kafkaFailures++;
    LOG.warn(
        "a Kafka transaction failed (attempt {}); the shard is read again from its checkpoint: {}",
        kafkaFailures,
        failure.toString());
    try {
      publisher.abortTransaction();
      pauseAfterKafkaFailure();
      return publisher;
    } catch (KafkaException abortFailure) {
      if (fenced(abortFailure)) {
        publisher.close();
        throw new IngestFencedException(settings.transactionalId(), abortFailure);
      }
      LOG.warn("aborting failed too; re-creating the producer: {}", abortFailure.toString());
    }
    publisher.close();
    pauseAfterKafkaFailure();
    return openPublisher();
  }

  private void pauseAfterKafkaFailure() throws InterruptedException {
    long pause = backoff(kafkaFailures).toMillis();
    if (stopRequested.await(pause, TimeUnit.MILLISECONDS)) {
      LOG.info("stopping while Kafka is unavailable");
    }
  }

  private static boolean fenced(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException
          || t instanceof InvalidProducerEpochException
          || t instanceof TransactionalIdAuthorizationException) {
        return true;
      }
    }
    return false;
  }

  private Duration backoff(int attempt) {
    return Retry.delay(
        Math.max(1, attempt), settings.retryBase(), settings.retryCap(), random.nextDouble());
  }

  // ---- Kafka clients ----

  /** A transactional publisher, initialised; retries with backoff while Kafka is unreachable. */
  private EventPublisher openPublisher() throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Map<String, Object> config = new HashMap<>(kafka);
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
      config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId());
      EventPublisher publisher = new EventPublisher(config, registry);
      try {
        publisher.initTransactions();
        LOG.info("transactional producer {} ready", settings.transactionalId());
        return publisher;
      } catch (KafkaException e) {
        publisher.close();
        if (fenced(e) || stopped()) {
          throw e instanceof ProducerFencedException
              ? new IngestFencedException(settings.transactionalId(), e)
              : e;
        }
        Duration pause = backoff(attempt);
        LOG.warn(
            "Kafka not ready for {} ({}); retrying in {}", settings.transactionalId(), e, pause);
        if (stopRequested.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new KafkaException("stopped while Kafka was unavailable", e);
        }
      }
    }
  }

  private KafkaConsumer<byte[], byte[]> checkpointConsumer() {
    Map<String, Object> config = new HashMap<>(kafka);
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
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
  private void ensureCheckpointTopic() throws InterruptedException {
    try (Admin admin = Admin.create(new HashMap<>(kafka))) {
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

  private void sync(CheckpointLog log) throws InterruptedException {
    long now = clock.millis();
    try {
      shards = listShards();
      Map<String, Checkpoint> checkpoints = log.refresh(KAFKA_TIMEOUT);
      List<ShardInfo> readable =
          ShardPlan.readable(
              shards, checkpoints, settings.instanceIndex(), settings.instanceCount());
      for (ShardInfo shard : readable) {
        if (!cursors.containsKey(shard.shardId())) {
          ShardCursor cursor =
              new ShardCursor(
                  shard,
                  ShardPlan.continuesAParent(shard, shards),
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
      LOG.warn("refreshing the shards of {} failed: {}", settings.stream(), e.toString());
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
