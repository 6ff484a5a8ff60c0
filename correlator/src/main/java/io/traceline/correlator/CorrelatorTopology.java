package io.traceline.correlator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.correlator.internals.CorrelatorMetrics;
import io.traceline.correlator.internals.EdgeAggregatorProcessor;
import io.traceline.correlator.internals.RequestStitchProcessor;
import io.traceline.correlator.internals.StoreNames;
import io.traceline.correlator.internals.TraceCorrelatorProcessor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The correlator as a Kafka Streams topology: a pure function of its settings, with no {@code
 * KafkaStreams} inside. Every node, store and topic has a constant name; renaming a store loses
 * state in production, so {@code CorrelatorTopologyTest} pins {@code describe()}.
 *
 * <pre>
 * traceline.events --> [events-source] --> [trace-correlator] --> [timelines-sink] --> traceline.timelines
 *        ^                                 (trace-events,       +-> [alerts-sink] ----> traceline.alerts
 *        |                                  trace-meta,         +-> [dlq-sink] -------> traceline.dlq
 *        |                                  trace-deadlines,    \-> [edge-calls-sink] -> traceline.edge-calls
 *        |                                  trace-baselines)                                 |
 *        |    traceline.service-edges <-- [service-edges-sink] <-- [edge-aggregator] <-------+
 *        |                                 (edge-windows)  \-> [edge-dlq-sink] --> traceline.dlq
 *        |
 *        +-- [stitched-events-sink] <-- [request-stitcher] <-- [unkeyed-source] <--- traceline.unkeyed
 *            [stitch-dlq-sink] <------/  (stitch-links,     \-- [request-links-source] <-- traceline.request-links
 *              --> traceline.dlq          stitch-pending,
 *                                         stitch-starts, stitch-expiry)
 * </pre>
 *
 * The request stitcher is a sub-topology of its own: unkeyed events and request links are keyed by
 * log stream, not by trace, so they are partitioned differently from the events. What it resolves
 * it writes to the events topic, keyed by trace, and the trace correlator reads it from there like
 * any other event. The edge aggregator is a third sub-topology: the calls of each timeline are
 * re-keyed by edge ({@code from -> to}) through {@code traceline.edge-calls}, so one task
 * aggregates all calls of an edge per minute.
 *
 * <p>Values are read as bytes and decoded inside the processor, so that an undecodable record is
 * routed to the DLQ with its reason instead of depending on the deserialization handler.
 */
public final class CorrelatorTopology {

  public static final String SOURCE = "events-source";
  public static final String CORRELATOR = "trace-correlator";
  public static final String TIMELINES_SINK = "timelines-sink";
  public static final String DLQ_SINK = "dlq-sink";
  public static final String UNKEYED_SOURCE = "unkeyed-source";
  public static final String LINKS_SOURCE = "request-links-source";
  public static final String STITCHER = "request-stitcher";
  public static final String STITCHED_SINK = "stitched-events-sink";
  public static final String STITCH_DLQ_SINK = "stitch-dlq-sink";
  public static final String ALERTS_SINK = "alerts-sink";
  public static final String EDGE_CALLS_SINK = "edge-calls-sink";
  public static final String EDGE_CALLS_SOURCE = "edge-calls-source";
  public static final String EDGE_AGGREGATOR = "edge-aggregator";
  public static final String SERVICE_EDGES_SINK = "service-edges-sink";
  public static final String EDGE_DLQ_SINK = "edge-dlq-sink";

  private CorrelatorTopology() {}

  /** Builds the topology with counters in a private registry. */
  public static Topology build(CorrelatorSettings settings) {
    return build(settings, new SimpleMeterRegistry());
  }

  /** Builds the topology to run exactly-once, as production does by default. */
  public static Topology build(CorrelatorSettings settings, MeterRegistry registry) {
    return build(settings, registry, true);
  }

  /**
   * Builds the topology.
   *
   * @param settings validated settings (see {@link CorrelatorSettings#problems()})
   * @param registry where the correlator's counters are registered
   * @param exactlyOnce whether Kafka Streams runs it exactly-once ({@code exactly_once_v2}); then
   *     {@code trace-meta} is cached
   * @throws IllegalArgumentException listing every problem of invalid settings
   */
  public static Topology build(
      CorrelatorSettings settings, MeterRegistry registry, boolean exactlyOnce) {
    if (!settings.problems().isEmpty()) {
      throw new IllegalArgumentException(
          "invalid correlator settings: " + String.join("; ", settings.problems()));
    }
    CorrelatorMetrics metrics = new CorrelatorMetrics(registry);
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), settings.inputTopic());
    topology.addProcessor(CORRELATOR, new CorrelatorSupplier(settings, metrics), SOURCE);
    topology.addStateStore(store(StoreNames.EVENTS), CORRELATOR);
    // A trace's entry changes with each of its events. Exactly-once, it is cached: written to
    // RocksDB and the changelog once per commit, in the transaction of the events it counts (a
    // quarter more events/s). At-least-once, a cached entry would reach its changelog after the
    // events it counts, and a crash in between would restore events without their trace.
    StoreBuilder<KeyValueStore<String, byte[]>> meta = store(StoreNames.META);
    topology.addStateStore(exactlyOnce ? meta.withCachingEnabled() : meta, CORRELATOR);
    topology.addStateStore(bytesStore(StoreNames.DEADLINES), CORRELATOR);
    // Cached: each learned request rewrites its bucket; the changelog gets one write per commit.
    topology.addStateStore(bytesStore(StoreNames.BASELINES).withCachingEnabled(), CORRELATOR);
    topology.addSink(
        TIMELINES_SINK,
        settings.outputTopic(),
        new StringSerializer(),
        new ByteArraySerializer(),
        CORRELATOR);
    topology.addSink(
        ALERTS_SINK,
        settings.alertsTopic(),
        new StringSerializer(),
        new ByteArraySerializer(),
        CORRELATOR);
    topology.addSink(
        EDGE_CALLS_SINK,
        settings.edgeCallsTopic(),
        new StringSerializer(),
        new ByteArraySerializer(),
        CORRELATOR);
    topology.addSink(
        DLQ_SINK,
        settings.dlqTopic(),
        new StringSerializer(),
        new ByteArraySerializer(),
        CORRELATOR);
    addStitcher(topology, settings, metrics);
    addEdgeAggregator(topology, settings, metrics);
    return topology;
  }

  private static void addStitcher(
      Topology topology, CorrelatorSettings settings, CorrelatorMetrics metrics) {
    topology.addSource(
        UNKEYED_SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        settings.unkeyedTopic());
    topology.addSource(
        LINKS_SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        settings.requestLinksTopic());
    topology.addProcessor(
        STITCHER, new StitcherSupplier(settings, metrics), UNKEYED_SOURCE, LINKS_SOURCE);
    topology.addStateStore(store(StoreNames.STITCH_LINKS), STITCHER);
    topology.addStateStore(store(StoreNames.STITCH_PENDING), STITCHER);
    topology.addStateStore(bytesStore(StoreNames.STITCH_STARTS), STITCHER);
    topology.addStateStore(bytesStore(StoreNames.STITCH_EXPIRY), STITCHER);
    topology.addSink(
        STITCHED_SINK,
        settings.inputTopic(),
        new StringSerializer(),
        new ByteArraySerializer(),
        STITCHER);
    topology.addSink(
        STITCH_DLQ_SINK,
        settings.dlqTopic(),
        new StringSerializer(),
        new ByteArraySerializer(),
        STITCHER);
  }

  private static void addEdgeAggregator(
      Topology topology, CorrelatorSettings settings, CorrelatorMetrics metrics) {
    topology.addSource(
        EDGE_CALLS_SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        settings.edgeCallsTopic());
    topology.addProcessor(
        EDGE_AGGREGATOR, new EdgeAggregatorSupplier(settings, metrics), EDGE_CALLS_SOURCE);
    topology.addStateStore(store(StoreNames.EDGE_WINDOWS), EDGE_AGGREGATOR);
    topology.addSink(
        SERVICE_EDGES_SINK,
        settings.serviceEdgesTopic(),
        new StringSerializer(),
        new ByteArraySerializer(),
        EDGE_AGGREGATOR);
    topology.addSink(
        EDGE_DLQ_SINK,
        settings.dlqTopic(),
        new StringSerializer(),
        new ByteArraySerializer(),
        EDGE_AGGREGATOR);
  }

  private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
  }

  private static StoreBuilder<KeyValueStore<Bytes, byte[]>> bytesStore(String name) {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
  }

  /** Supplies one request stitcher per task. */
  private static final class StitcherSupplier
      implements ProcessorSupplier<String, byte[], String, byte[]> {
    private final CorrelatorSettings settings;
    private final CorrelatorMetrics metrics;

    StitcherSupplier(CorrelatorSettings settings, CorrelatorMetrics metrics) {
      this.settings = settings;
      this.metrics = metrics;
    }

    @Override
    public Processor<String, byte[], String, byte[]> get() {
      return new RequestStitchProcessor(settings, STITCHED_SINK, STITCH_DLQ_SINK, metrics);
    }
  }

  /** Supplies one service-edge aggregator per task. */
  private static final class EdgeAggregatorSupplier
      implements ProcessorSupplier<String, byte[], String, byte[]> {
    private final CorrelatorSettings settings;
    private final CorrelatorMetrics metrics;

    EdgeAggregatorSupplier(CorrelatorSettings settings, CorrelatorMetrics metrics) {
      this.settings = settings;
      this.metrics = metrics;
    }

    @Override
    public Processor<String, byte[], String, byte[]> get() {
      return new EdgeAggregatorProcessor(settings, SERVICE_EDGES_SINK, EDGE_DLQ_SINK, metrics);
    }
  }

  /** Supplies one processor per task. */
  private static final class CorrelatorSupplier
      implements ProcessorSupplier<String, byte[], String, byte[]> {
    private final CorrelatorSettings settings;
    private final CorrelatorMetrics metrics;

    CorrelatorSupplier(CorrelatorSettings settings, CorrelatorMetrics metrics) {
      this.settings = settings;
      this.metrics = metrics;
    }

    @Override
    public Processor<String, byte[], String, byte[]> get() {
      return new TraceCorrelatorProcessor(
          settings, TIMELINES_SINK, ALERTS_SINK, EDGE_CALLS_SINK, DLQ_SINK, metrics);
    }
  }
}
