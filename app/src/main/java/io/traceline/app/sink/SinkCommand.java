package io.traceline.app.sink;

import io.traceline.app.config.FlagOverrides;
import io.traceline.app.runtime.Health;
import io.traceline.app.runtime.StageCommand;
import io.traceline.app.runtime.StageRuntime;
import io.traceline.sink.kafka.SinkService;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code traceline sink}: the sink stage as a service, from Kafka to OpenSearch. Runs until SIGTERM
 * or SIGINT, then finishes the bulk request in flight, commits what OpenSearch stored (never what
 * it has not acknowledged) and exits 0; exits 1 when the sink fails on its own (e.g. OpenSearch
 * refuses its credentials). Configured by {@link SinkConfig} from {@code --config}, {@code
 * TRACELINE_*} variables and its flags (which win); exits 2 listing every problem. Ready ({@code
 * /health/ready}) while it consumes with OpenSearch reachable.
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
public final class SinkCommand extends StageCommand<SinkConfig> {

  private static final Logger LOG = LoggerFactory.getLogger(SinkCommand.class);

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

  /** Reads the process's environment. */
  public SinkCommand() {
    this(System.getenv());
  }

  /** Reads {@code environment} instead of the process's (tests, embedding). */
  SinkCommand(Map<String, String> environment) {
    super("sink", SinkConfig.class, environment);
  }

  @Override
  protected int run(SinkConfig settings, StageRuntime runtime) throws Exception {
    try (OpenSearchIndexer indexer = OpenSearchIndexer.create(settings.opensearch());
        SinkService service =
            new SinkService(settings.settings(), indexer, runtime.registry(), Clock.systemUTC())) {
      runtime.readiness(() -> health(service.state()));
      runtime.liveness(
          () ->
              service.failure() == null
                  ? Health.up("sink " + service.state())
                  : Health.down("failed: " + service.failure()));
      service.start();
      LOG.info(
          "indexing from {} as {} into {}",
          settings.kafka().bootstrapServers(),
          settings.kafka().groupId(),
          settings.opensearch().endpoints());
      while (!runtime.awaitStop(Duration.ofSeconds(1))) {
        if (service.isStopped()) {
          LOG.error("the sink stopped on its own", service.failure());
          return 1;
        }
      }
      LOG.info("stopping: finishing the bulk request in flight, committing what is stored");
      // Half the timeout for the work in flight; the rest for closing the clients.
      if (!service.close(runtime.shutdownTimeout().dividedBy(2))) {
        LOG.error("the sink did not stop cleanly within {}", runtime.shutdownTimeout());
        return 1;
      }
      return 0;
    }
  }

  private static Health health(SinkService.State state) {
    return state == SinkService.State.RUNNING
        ? Health.up("consuming, OpenSearch reachable")
        : Health.down(
            switch (state) {
              case STARTING -> "installing the index templates: OpenSearch not reached yet";
              case JOINING -> "joining the consumer group";
              case OPENSEARCH_UNAVAILABLE -> "OpenSearch unavailable; consumption paused";
              default -> "stopped";
            });
  }

  @Override
  protected FlagOverrides flags() {
    return new FlagOverrides()
        .put("kafka.bootstrapServers", "--bootstrap-servers", bootstrapServers)
        .put("kafka.groupId", "--group-id", groupId)
        .put("kafka.properties", "--kafka-property", kafkaProperties)
        .put("opensearch.endpoints", "--opensearch", endpoints.isEmpty() ? null : endpoints)
        .put("sink.batchSize", "--batch-size", batchSize);
  }
}
