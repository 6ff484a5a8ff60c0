package io.traceline.app.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.correlate.CorrelatorService;
import io.traceline.app.render.TimelinePrinter;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.publish.EventPublisher;
import io.traceline.model.Json;
import io.traceline.model.Timeline;
import io.traceline.model.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The demo's pipeline, all real: workload -> gzip subscription payloads -> {@link RecordProcessor}
 * (decode, parse, stitch) -> {@link EventPublisher} -> Kafka -> correlator (Kafka Streams) ->
 * {@code traceline.timelines} -> printer. Owns every component it starts and closes them in reverse
 * order. Driven by one thread through {@link #step} and {@link #finish}.
 */
final class DemoPipeline implements AutoCloseable {

  private static final String SHARD = "shardId-000000000000";

  /** Where the demo keeps its data unless told otherwise; emptied at each start. */
  static final Path DEFAULT_DATA_DIR = Path.of("data", "demo");

  /**
   * What the demo was asked for.
   *
   * @param rate requests per second
   * @param seed workload seed
   * @param gap the correlator's inactivity gap
   * @param dataDir where to keep data across runs, or null for {@link #DEFAULT_DATA_DIR}
   * @param width Gantt chart width
   * @param chartEverything chart every timeline, not only the notable ones
   * @param uiPort with OpenSearch, the sink and the UI on this port (0: a free one); null without
   */
  record Options(
      double rate,
      long seed,
      Duration gap,
      Path dataDir,
      int width,
      boolean chartEverything,
      Integer uiPort) {}

  private final Path root;
  private final PrintStream out;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final ShopWorkload workload;
  private final TimelinePrinter printer;
  private final DemoReport report;
  private final Duration gap;
  private final Integer uiPort;
  private EmbeddedKafka kafka;
  private DemoUi ui;
  private CorrelatorService correlator;
  private RecordProcessor processor;
  private EventPublisher publisher;
  private KafkaConsumer<String, byte[]> timelines;
  private long sequence;
  private final long startedAt = System.currentTimeMillis();

  private DemoPipeline(Options options, Path root, PrintStream out) {
    this.root = root;
    this.out = out;
    this.gap = options.gap();
    this.uiPort = options.uiPort();
    this.workload =
        new ShopWorkload(
            ShopWorkload.Settings.builder()
                .requestsPerSecond(options.rate())
                .seed(options.seed())
                .build());
    this.printer = new TimelinePrinter(out, options.width(), options.chartEverything());
    this.report = new DemoReport(registry);
  }

  /** Starts the broker, the correlator, the ingest path and the timeline reader. */
  static DemoPipeline start(Options options, PrintStream out) throws IOException {
    Path root;
    if (options.dataDir() == null) {
      root = DEFAULT_DATA_DIR.toAbsolutePath();
      deleteTree(root); // a fresh broker and fresh stores each run
      Files.createDirectories(root);
    } else {
      root = options.dataDir().toAbsolutePath();
    }
    DemoPipeline p = new DemoPipeline(options, root, out);
    try {
      p.startComponents();
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  private void startComponents() {
    System.err.println("traceline demo: starting an embedded Kafka broker (KRaft)...");
    kafka = EmbeddedKafka.start(root.resolve("kafka"));
    PipelineTopics.create(kafka, 3);
    System.err.println(
        "traceline demo: broker at "
            + kafka.bootstrapServers()
            + "; starting the correlator (gap "
            + gap.toMillis()
            + " ms)...");
    CorrelatorSettings settings =
        CorrelatorSettings.builder()
            .inactivityGap(gap)
            .closeCheckInterval(Duration.ofMillis(250))
            .build();
    correlator =
        new CorrelatorService(
            kafka.bootstrapServers(),
            "traceline-demo",
            root.resolve("streams"),
            settings,
            Map.of(),
            registry);
    correlator.start();
    processor = new RecordProcessor(registry);
    publisher =
        new EventPublisher(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), registry);
    timelines =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "traceline-demo-printer",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // The correlator writes in transactions: read only what it committed.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    timelines.subscribe(List.of(Topics.TIMELINES));
    if (uiPort != null) {
      ui = DemoUi.start(kafka.bootstrapServers(), uiPort, registry);
    }
    System.err.println(
        "traceline demo: generating requests (API Gateway -> Lambda -> ECS -> RDS); timelines"
            + " print as their traces close. Ctrl-C stops.");
  }

  /** Delivers what the workload has due at {@code now} and prints closed timelines. */
  void step(long now) {
    checkCorrelator();
    for (SubscriptionMessage m : workload.advanceTo(now)) {
      ingest(m);
    }
    printClosed(Duration.ofMillis(200));
  }

  /** Delivers everything still buffered, waits for the last traces to close, prints a summary. */
  void finish() {
    for (SubscriptionMessage m : workload.drain()) {
      ingest(m);
    }
    publisher.flush();
    long expected = workload.requestCount();
    long deadline = System.currentTimeMillis() + gap.toMillis() + 15_000;
    while (report.timelines() < expected && System.currentTimeMillis() < deadline) {
      checkCorrelator();
      printClosed(Duration.ofMillis(250));
    }
    out.println();
    out.print(
        report.summary(workload, publisher.failedSends(), System.currentTimeMillis() - startedAt));
    out.flush();
  }

  /** Fails the demo (exit 1) when the correlator stopped on its own. */
  private void checkCorrelator() {
    Throwable failure = correlator.failure();
    if (failure != null) {
      throw new IllegalStateException("the correlator failed: " + failure, failure);
    }
    if (ui != null) {
      ui.check();
    }
  }

  private void ingest(SubscriptionMessage message) {
    byte[] data = SubscriptionDecoder.encode(message);
    Outcome outcome =
        processor.process(data, new Source("demo-stream", SHARD, Long.toString(sequence++)));
    var unused = publisher.publish(outcome); // the demo reports failed sends at the end
  }

  private void printClosed(Duration wait) {
    for (ConsumerRecord<String, byte[]> r : timelines.poll(wait)) {
      Timeline t = Json.readTimeline(r.value());
      report.add(t, printer.charted(t));
      printer.print(t);
    }
  }

  @Override
  public void close() {
    closeQuietly(ui);
    closeQuietly(timelines);
    closeQuietly(publisher);
    if (correlator != null) {
      correlator.close(Duration.ofSeconds(30));
    }
    closeQuietly(kafka);
  }

  /** With {@code --with-opensearch}: the UI's port; otherwise null. */
  Integer uiPort() {
    return ui == null ? null : ui.port();
  }

  static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      System.err.println("traceline demo: error while closing: " + e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
