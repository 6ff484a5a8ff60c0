package io.traceline.app.correlate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.traceline.app.runtime.Health;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.CorrelatorTopology;
import io.traceline.correlator.rocksdb.RocksDbMemorySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the correlator topology on a Kafka cluster: owns one {@link KafkaStreams} instance, starts
 * it, and closes it with a deadline. Processing is exactly-once ({@code exactly_once_v2}) unless an
 * override says otherwise: a crash between emitting a timeline and recording it cannot emit it
 * twice. No standby replicas unless an override sets {@code num.standby.replicas} ({@code
 * kafka.standbyReplicas}): with one, another instance keeps a warm copy of each task's stores and
 * takes a failed instance's tasks over without restoring them from the changelog topics. A stream
 * thread that dies shuts the client down ({@link #failure()} says why) rather than being replaced
 * silently. Not thread-safe; start and close from one thread; {@link #readiness()}, {@link
 * #liveness()}, {@link #state()} and {@link #failure()} may be called from any thread.
 */
public final class CorrelatorService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CorrelatorService.class);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /** The store partitions being restored from their changelog now, with their store's name. */
  private final Map<TopicPartition, String> restoring = new ConcurrentHashMap<>();

  /**
   * @param bootstrapServers the Kafka cluster
   * @param applicationId consumer group and prefix of the changelog topics; changing it loses state
   * @param stateDir where RocksDB keeps the stores
   * @param settings the topology's settings
   * @param overrides raw Streams/client properties applied last (security, tuning)
   * @param registry where the correlator's counters go, and Kafka Streams' own metrics (bound until
   *     {@link #close})
   */
  public CorrelatorService(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      CorrelatorSettings settings,
      Map<String, Object> overrides,
      MeterRegistry registry) {
    Properties props = streamsProperties(bootstrapServers, applicationId, stateDir);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Values are decoded inside the processor (bad ones go to the DLQ there); keys are plain
    // strings. Set the handler explicitly all the same: the defaults differ between versions.
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class.getName());
    // The processor routes bad input and unassemblable traces to the DLQ itself, so an exception
    // reaching Streams is a bug or a broken cluster: stop rather than skip records silently.
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailProcessingExceptionHandler.class.getName());
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DefaultProductionExceptionHandler.class.getName());
    props.putAll(overrides);
    boolean exactlyOnce =
        StreamsConfig.EXACTLY_ONCE_V2.equals(
            String.valueOf(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)));
    this.streams =
        new KafkaStreams(CorrelatorTopology.build(settings, registry, exactlyOnce), props);
    streams.setUncaughtExceptionHandler(new ShutDownOnFailure());
    streams.setGlobalStateRestoreListener(new RestoreTracker());
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
  }

  /**
   * The Streams properties of the correlator's client that do not depend on its topology: where it
   * runs, its commit interval, its producer's batching and the default RocksDB memory bound ({@link
   * RocksDbMemorySettings#defaults()}: 256 MiB for every store of the process; the overrides may
   * set other sizes). The benchmark's reference clients start from these too, so that they pay what
   * the correlator pays.
   */
  public static Properties streamsProperties(
      String bootstrapServers, String applicationId, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    // Every stored event goes to a changelog topic and again into a timeline: compressed batches
    // of up to 256 KiB, filled for up to 20 ms, cut the broker's work per event by a third
    // (`traceline bench correlator`: 18,600 -> 25,500 events/s; lz4 alone 19,500).
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    // Without a bound each store has its own 50 MiB block cache and up to 48 MiB of memtables.
    props.putAll(RocksDbMemorySettings.defaults().streamsProperties());
    return props;
  }

  /** Records why a stream thread died and shuts the whole client down. */
  private final class ShutDownOnFailure implements StreamsUncaughtExceptionHandler {
    @Override
    public StreamThreadExceptionResponse handle(Throwable e) {
      LOG.error("the correlator failed; shutting it down", e);
      failure.compareAndSet(null, e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
  }

  /** Tracks which store partitions are being restored, for {@link #readiness()}. */
  private final class RestoreTracker implements StateRestoreListener {
    @Override
    public void onRestoreStart(
        TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
      restoring.put(partition, storeName);
      LOG.debug(
          "restoring {} from {} ({} records)", storeName, partition, endingOffset - startingOffset);
    }

    @Override
    public void onBatchRestored(
        TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
      // progress is in Streams' own restore metrics
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
      restoring.remove(partition);
      if (totalRestored > 0) {
        LOG.info("restored {} from {} ({} records)", storeName, partition, totalRestored);
      }
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
      restoring.remove(partition);
    }
  }

  /**
   * Ready: Streams is RUNNING and no store is being restored (a restoring instance would answer
   * nothing for the partitions it restores, and the restore may take minutes).
   */
  public Health readiness() {
    KafkaStreams.State state = streams.state();
    int restores = restoring.size();
    if (state != KafkaStreams.State.RUNNING) {
      return Health.down("streams " + state + (restores > 0 ? ", restoring " + restores : ""));
    }
    if (restores > 0) {
      return Health.down("restoring " + restores + " store partitions from their changelogs");
    }
    return Health.up("streams RUNNING");
  }

  /** Live until Streams is in ERROR or a stream thread failed: only a restart helps then. */
  public Health liveness() {
    KafkaStreams.State state = streams.state();
    if (failure.get() != null || state == KafkaStreams.State.ERROR) {
      return Health.down("streams " + state + ": " + failure.get());
    }
    return Health.up("streams " + state);
  }

  /** Why the correlator stopped on its own, or null while it has not failed. */
  public Throwable failure() {
    return failure.get();
  }

  /** Starts processing in Streams' own threads. */
  public void start() {
    streams.start();
  }

  /** The Streams state (RUNNING once partitions are assigned and stores restored). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Stops processing, commits, closes the stores and leaves the consumer group (so that the
   * remaining or next instance takes the partitions over at once, not after the session timeout),
   * waiting up to {@code timeout}.
   *
   * @return whether it closed within {@code timeout}
   */
  public boolean close(Duration timeout) {
    try {
      return streams.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(timeout));
    } finally {
      streamsMetrics.close();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
