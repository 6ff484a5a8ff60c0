package io.traceline.app.replay;

import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.CorrelatorTopology;
import io.traceline.ingest.Outcome;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import io.traceline.model.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The correlator topology run offline: the same {@link CorrelatorTopology}, its real processors and
 * RocksDB stores, driven by Kafka Streams' {@link TopologyTestDriver} instead of a broker. {@link
 * #finish()} moves the wall clock past every deadline so that every open trace closes through the
 * same path as live. Unkeyed events and request links are fed to the topology's request stitcher as
 * live ingest publishes them, so a line whose trace only another record names is keyed the same way
 * (the stitcher writes it to the events topic, which the driver feeds back to the trace
 * correlator). Owns a temporary state directory, deleted on close. Not thread-safe.
 */
public final class OfflineCorrelator implements AutoCloseable {

  private final CorrelatorSettings settings;
  private final Path stateDir;
  private final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> events;
  private final TestInputTopic<String, byte[]> unkeyed;
  private final TestInputTopic<String, byte[]> links;
  private final TestOutputTopic<String, byte[]> eventsOut;
  private final TestOutputTopic<String, byte[]> timelines;
  private final TestOutputTopic<String, byte[]> dlq;
  private final Map<String, TestOutputTopic<String, byte[]>> derived;
  private BiConsumer<String, TestRecord<String, byte[]>> derivedRecords = (topic, record) -> {};
  private long rejected;
  private long stitched;

  /**
   * A correlator with its own temporary state directory; the topology's meters in {@code registry}.
   */
  public OfflineCorrelator(CorrelatorSettings settings, MeterRegistry registry) throws IOException {
    this.settings = settings;
    this.stateDir = Files.createTempDirectory("traceline-replay");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "traceline-replay");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "offline:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    this.driver =
        // The wall clock starts now: recorded history lies in its past, as it did live.
        new TopologyTestDriver(CorrelatorTopology.build(settings, registry), props, Instant.now());
    this.events =
        driver.createInputTopic(
            settings.inputTopic(), new StringSerializer(), new ByteArraySerializer());
    this.unkeyed =
        driver.createInputTopic(
            settings.unkeyedTopic(), new StringSerializer(), new ByteArraySerializer());
    this.links =
        driver.createInputTopic(
            settings.requestLinksTopic(), new StringSerializer(), new ByteArraySerializer());
    // What the stitcher writes to the events topic: read to count it and to keep it off the heap.
    this.eventsOut =
        driver.createOutputTopic(
            settings.inputTopic(), new StringDeserializer(), new ByteArrayDeserializer());
    this.timelines =
        driver.createOutputTopic(
            settings.outputTopic(), new StringDeserializer(), new ByteArrayDeserializer());
    this.dlq =
        driver.createOutputTopic(
            settings.dlqTopic(), new StringDeserializer(), new ByteArrayDeserializer());
    // Alerts, the calls for the edge aggregates and the aggregates: derived from the timelines
    // replay prints; drained so that the driver does not keep them.
    this.derived = new LinkedHashMap<>();
    for (String topic :
        List.of(settings.alertsTopic(), settings.edgeCallsTopic(), settings.serviceEdgesTopic())) {
      derived.put(
          topic,
          driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer()));
    }
  }

  /**
   * Hands every record the topology writes to its derived topics (alerts, edge calls, service
   * edges) to {@code listener}, with the topic's name, as they are drained; by default they are
   * dropped.
   */
  public void onDerivedRecords(BiConsumer<String, TestRecord<String, byte[]>> listener) {
    this.derivedRecords = listener;
  }

  /**
   * Feeds what ingest made of one record as live ingest publishes it: the keyed events to the
   * correlator, the unkeyed ones and the request links to the request stitcher. Returns the
   * timelines that closed meanwhile.
   */
  public List<Timeline> add(Outcome outcome) {
    List<Timeline> closed = new ArrayList<>();
    for (LogEvent event : outcome.keyed()) {
      closed.addAll(add(event));
    }
    for (LogEvent event : outcome.unkeyed()) {
      closed.addAll(addUnkeyed(event));
    }
    for (RequestLink link : outcome.links()) {
      closed.addAll(addLink(link));
    }
    return closed;
  }

  /** Feeds one keyed event; returns the timelines that closed meanwhile. */
  public List<Timeline> add(LogEvent event) {
    RecordHeaders headers = new RecordHeaders(); // as ingest publishes it
    headers.add(Json.CANONICAL_EVENT_HEADER, Json.canonicalEventForm());
    events.pipeInput(
        new TestRecord<>(event.traceId(), Json.writeEvent(event), headers, event.timestamp()));
    return drain();
  }

  /** Feeds one event without a trace id, keyed by its log stream as ingest publishes it. */
  List<Timeline> addUnkeyed(LogEvent event) {
    unkeyed.pipeInput(
        RequestLink.streamKey(event.logGroup(), event.logStream()),
        Json.writeEvent(event),
        event.timestamp());
    return drain();
  }

  /** Feeds one request link, keyed by its log stream; returns the timelines closed meanwhile. */
  List<Timeline> addLink(RequestLink link) {
    links.pipeInput(link.streamKey(), Json.writeLink(link), link.timestamp());
    return drain();
  }

  /** Closes every open trace (end of input) and returns their timelines. */
  public List<Timeline> finish() {
    List<Timeline> out = new ArrayList<>();
    driver.advanceWallClockTime(settings.maxTraceAge().plus(settings.inactivityGap()));
    // One pass closes a bounded number of traces; go on until a pass closes nothing.
    List<Timeline> closed = drain();
    while (!closed.isEmpty()) {
      out.addAll(closed);
      driver.advanceWallClockTime(settings.closeCheckInterval().plus(Duration.ofMillis(1)));
      closed = drain();
    }
    return out;
  }

  /** Records the correlator routed to its DLQ (none for events that ingest produced). */
  long rejected() {
    return rejected;
  }

  /** Events without a trace id in their record that the request stitcher keyed. */
  long stitched() {
    return stitched;
  }

  private List<Timeline> drain() {
    rejected += dlq.readValuesToList().size();
    for (Map.Entry<String, TestOutputTopic<String, byte[]>> topic : derived.entrySet()) {
      while (!topic.getValue().isEmpty()) {
        derivedRecords.accept(topic.getKey(), topic.getValue().readRecord());
      }
    }
    while (!eventsOut.isEmpty()) {
      eventsOut.readValue();
      stitched++;
    }
    List<Timeline> out = new ArrayList<>();
    for (byte[] value : timelines.readValuesToList()) {
      out.add(Json.readTimeline(value));
    }
    return out;
  }

  @Override
  public void close() {
    driver.close();
    try (Stream<Path> paths = Files.walk(stateDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
