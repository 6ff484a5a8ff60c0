package io.traceline.app.sink;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.cli.SignalStop;
import io.traceline.app.config.ConfigOptions;
import io.traceline.app.config.FlagOverrides;
import io.traceline.sink.kafka.SinkService;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code traceline sink}: the sink stage as a service, from Kafka to OpenSearch. Runs until SIGTERM
 * or SIGINT, then stops without committing what OpenSearch has not acknowledged and exits 0; exits
 * 1 when the sink fails on its own (e.g. OpenSearch refuses its credentials). Configured by {@link
 * SinkConfig} from {@code --config}, {@code TRACELINE_*} variables and its flags (which win); exits
 * 2 listing every problem.
 */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Indexes traceline.timelines, traceline.alerts and traceline.service-edges into OpenSearch",
      "(aliases traceline-timelines, traceline-alerts, traceline-service-edges), each document at",
      "its latest revision; offsets are committed once OpenSearch acknowledged. Records that do",
      "not parse or that OpenSearch rejects go to traceline.dlq with the reason. While OpenSearch",
      "is down, consumption pauses. Start more instances with the same --group-id to share the",
      "partitions. Settings come from --config FILE, then TRACELINE_<SECTION>_<KEY> variables,",
      "then flags."
    })
public final class SinkCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(SinkCommand.class);
  private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(60);

  @Mixin ConfigOptions config;

  @Option(
      names = "--bootstrap-servers",
      description =
          "The Kafka cluster, host:port[,host:port...] (kafka.bootstrapServers; required).")
  String bootstrapServers;

  @Option(
      names = "--group-id",
      description = "The consumer group (kafka.groupId, default: traceline-sink).")
  String groupId;

  @Option(
      names = "--opensearch",
      paramLabel = "URL",
      split = ",",
      description =
          "OpenSearch nodes, http(s)://host:port; repeatable or comma-separated"
              + " (opensearch.endpoints; required).")
  List<URI> endpoints = new ArrayList<>();

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Records per poll and bulk request (sink.batchSize, default: 500).")
  Integer batchSize;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description =
          "A raw Kafka client property (security, tuning); repeatable; adds to or replaces the"
              + " entries of kafka.properties.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  private final SignalStop signal =
      new SignalStop("traceline-sink-shutdown", CLOSE_DEADLINE.plusSeconds(10));

  /** Reads the process's environment. */
  public SinkCommand() {
    this(new ConfigOptions());
  }

  /** Reads {@code environment} instead of the process's (tests, embedding). */
  SinkCommand(Map<String, String> environment) {
    this(new ConfigOptions(environment));
  }

  private SinkCommand(ConfigOptions config) {
    this.config = config;
  }

  @Override
  public Integer call() throws Exception {
    SinkConfig settings = config.load(SinkConfig.class, flags());
    if (config.reportOnly()) {
      return 0;
    }
    signal.install();
    try (OpenSearchIndexer indexer = OpenSearchIndexer.create(settings.opensearch());
        SinkService service =
            new SinkService(
                settings.settings(), indexer, new SimpleMeterRegistry(), Clock.systemUTC())) {
      service.start();
      LOG.info(
          "indexing from {} as {} into {}",
          settings.kafka().bootstrapServers(),
          settings.kafka().groupId(),
          settings.opensearch().endpoints());
      while (!signal.await(Duration.ofSeconds(1))) {
        if (service.isStopped()) {
          LOG.error("the sink stopped on its own", service.failure());
          return 1;
        }
      }
      LOG.info("stopping: abandoning what OpenSearch has not acknowledged");
      return 0;
    } finally {
      signal.close();
    }
  }

  /** Asks a running command to stop as SIGTERM would (for tests and embedding). */
  void requestStop() {
    signal.request();
  }

  /** The flags as configuration keys; a flag not given is null and leaves the key alone. */
  private FlagOverrides flags() {
    return new FlagOverrides()
        .put("kafka.bootstrapServers", "--bootstrap-servers", bootstrapServers)
        .put("kafka.groupId", "--group-id", groupId)
        .put("kafka.properties", "--kafka-property", kafkaProperties)
        .put("opensearch.endpoints", "--opensearch", endpoints.isEmpty() ? null : endpoints)
        .put("sink.batchSize", "--batch-size", batchSize);
  }
}
