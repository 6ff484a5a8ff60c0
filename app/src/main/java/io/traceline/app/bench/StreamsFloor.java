package io.traceline.app.bench;

import io.traceline.app.correlate.CorrelatorService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The floor under the correlator: Kafka Streams topologies that do (almost) nothing, which {@code
 * bench correlator} measures exactly as it measures the correlator, over the same topic, with the
 * same Streams configuration, in the same run. The correlator cannot be faster than the framework
 * it runs on; these rates say how much of its distance to the plain consumer is the framework's.
 *
 * <ul>
 *   <li>{@link Kind#NO_PROCESSING}: a source and a processor that does nothing with the record:
 *       Kafka Streams' own consuming, task and commit machinery (with exactly-once, its
 *       transactions) and nothing else.
 *   <li>{@link Kind#EACH_EVENT_STORED}: a processor that puts every record's bytes, under its key
 *       and source offset, into a persistent RocksDB store with its changelog topic (the default).
 *       No decoding, no reads, nothing emitted: what any design that buffers each event durably in
 *       Kafka Streams pays, as the correlator does with every event until its trace closes.
 * </ul>
 *
 * <p>Owns one {@link KafkaStreams} client, like {@link CorrelatorService}: a stream thread that
 * dies shuts it down ({@link #failure()} says why); {@link #close()} waits for every thread to stop
 * and fails if one did not. Not thread-safe; start and close from one thread.
 */
final class StreamsFloor implements AutoCloseable {

  /** How long {@link #close()} waits for the client's threads to stop. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** The store of {@link Kind#EACH_EVENT_STORED}. */
  private static final String STORE = "floor-events";

  private static final String SOURCE = "events";
  private static final String PROCESSOR = "floor";

  /** The reference topologies. */
  enum Kind {
    NO_PROCESSING(
        "Kafka Streams, no processing",
        "no-processing",
        "a processor that does nothing with the record"),
    EACH_EVENT_STORED(
        "Kafka Streams, each event stored",
        "each-event-stored",
        "a processor that puts each record (key:offset -> its bytes) into a persistent RocksDB"
            + " store with a changelog, no decoding");

    private final String title;
    private final String id;
    private final String processor;

    Kind(String title, String id, String processor) {
      this.title = title;
      this.id = id;
      this.processor = processor;
    }

    /** How the report names it. */
    String title() {
      return title;
    }

    /** Its part of an application id. */
    String id() {
      return id;
    }

    /** What its processor does, as the report says it. */
    String processor() {
      return processor;
    }
  }

  private final String applicationId;
  private final KafkaStreams streams;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /**
   * @param guarantee the processing guarantee as Kafka spells it
   * @param threads num.stream.threads
   */
  StreamsFloor(
      Kind kind,
      String topic,
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      String guarantee,
      int threads) {
    this.applicationId = applicationId;
    Properties props =
        CorrelatorService.streamsProperties(bootstrapServers, applicationId, stateDir);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    this.streams = new KafkaStreams(topology(kind, topic), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.compareAndSet(null, e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
  }

  /** The topology of {@code kind} over {@code topic}: string keys, values as bytes. */
  static Topology topology(Kind kind, String topic) {
    Topology topology = new Topology();
    topology.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topic);
    switch (kind) {
      case NO_PROCESSING -> topology.addProcessor(PROCESSOR, Discard::new, SOURCE);
      case EACH_EVENT_STORED -> {
        topology.addProcessor(PROCESSOR, Store::new, SOURCE);
        topology.addStateStore(
            Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()),
            PROCESSOR);
      }
    }
    return topology;
  }

  /** Does nothing with a record. */
  private static final class Discard implements Processor<String, byte[], Void, Void> {
    @Override
    public void process(Record<String, byte[]> record) {}
  }

  /** Puts every record into {@link #STORE} under its key and its offset in the source topic. */
  private static final class Store implements Processor<String, byte[], Void, Void> {
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      long offset = context.recordMetadata().map(RecordMetadata::offset).orElseThrow();
      store.put(record.key() + ":" + offset, record.value());
    }
  }

  /** Starts processing in Streams' own threads. */
  void start() {
    streams.start();
  }

  /** The Streams state. */
  KafkaStreams.State state() {
    return streams.state();
  }

  /** Why a stream thread died, or null while none has. */
  Throwable failure() {
    return failure.get();
  }

  /**
   * Stops processing, commits, closes the store and leaves the group, waiting up to {@link
   * #CLOSE_TIMEOUT}; then deletes the local state, of no use after the pass.
   *
   * @throws IllegalStateException if a thread of the client was still running at the deadline
   */
  @Override
  public void close() {
    boolean stopped =
        streams.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
    if (!stopped) {
      throw new IllegalStateException(
          "Kafka Streams (" + applicationId + ") did not stop within " + CLOSE_TIMEOUT);
    }
    streams.cleanUp();
  }
}
