package io.traceline.app.correlate;

import io.traceline.app.cli.DurationConverter;
import io.traceline.app.config.FlagOverrides;
import io.traceline.app.runtime.StageCommand;
import io.traceline.app.runtime.StageRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code traceline correlate}: the correlator stage as a service against a Kafka cluster. Runs
 * until SIGTERM or SIGINT, then stops reading, commits, closes its stores and exits 0; exits 1 when
 * the correlator fails on its own or does not stop within {@code runtime.shutdownTimeout}.
 * Configured by {@link CorrelateConfig} from {@code --config}, {@code TRACELINE_*} variables and
 * its flags (which win); exits 2 listing every problem. Ready ({@code /health/ready}) while Streams
 * is RUNNING with every store restored.
 */
@Command(
    name = "correlate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the correlator (Kafka Streams, RocksDB state) on a Kafka cluster: reads",
      "traceline.events, writes traceline.timelines and traceline.dlq; keys what it can of",
      "traceline.unkeyed from traceline.request-links. Stops cleanly on SIGTERM.",
      "Start more instances with the same --application-id to share the partitions, with",
      "--standby-replicas 1 so that a failover resumes from a warm copy of the stores.",
      "Settings come from --config FILE, then TRACELINE_<SECTION>_<KEY> variables, then flags."
    })
public final class CorrelateCommand extends StageCommand<CorrelateConfig> {

  private static final Logger LOG = LoggerFactory.getLogger(CorrelateCommand.class);

  @Option(
      names = "--bootstrap-servers",
      description =
          "The Kafka cluster, host:port[,host:port...] (kafka.bootstrapServers; required).")
  String bootstrapServers;

  @Option(
      names = "--application-id",
      description =
          "Consumer group and prefix of the changelog topics (kafka.applicationId, default:"
              + " traceline-correlator); changing it starts from empty state.")
  String applicationId;

  @Option(
      names = "--state-dir",
      description = "Where RocksDB keeps the stores (kafka.stateDir, default: data/correlator).")
  Path stateDir;

  @Option(
      names = "--gap",
      converter = DurationConverter.class,
      description =
          "Inactivity gap after which a trace closes (correlator.inactivityGap, default:"
              + " 30s).")
  Duration gap;

  @Option(
      names = "--processing-guarantee",
      description =
          "exactly_once_v2 or at_least_once (kafka.processingGuarantee, default: exactly_once_v2).")
  String processingGuarantee;

  @Option(
      names = "--standby-replicas",
      paramLabel = "N",
      description =
          "Warm copies of each task's stores on other instances (kafka.standbyReplicas, default:"
              + " 0); 1 with two or more instances, so a failover needs no restore.")
  Integer standbyReplicas;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description =
          "A raw Kafka Streams / client property (security, tuning); repeatable; adds to or"
              + " replaces the entries of kafka.properties.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  /** Reads the process's environment. */
  public CorrelateCommand() {
    this(System.getenv());
  }

  /** Reads {@code environment} instead of the process's (tests, embedding). */
  CorrelateCommand(Map<String, String> environment) {
    super("correlate", CorrelateConfig.class, environment);
  }

  @Override
  protected int run(CorrelateConfig settings, StageRuntime runtime) throws Exception {
    CorrelateConfig.Kafka kafka = settings.kafka();
    CorrelatorService service =
        new CorrelatorService(
            kafka.bootstrapServers(),
            kafka.applicationId(),
            kafka.stateDir(),
            settings.correlator(),
            settings.streamsOverrides(),
            runtime.registry());
    int exitCode = 0;
    boolean closed = false;
    try {
      runtime.liveness(service::liveness);
      runtime.readiness(service::readiness);
      service.start();
      LOG.info(
          "correlating {} as {} (state in {}, {}, {} standby replicas)",
          kafka.bootstrapServers(),
          kafka.applicationId(),
          kafka.stateDir(),
          kafka.processingGuarantee().config(),
          kafka.standbyReplicas());
      while (!runtime.awaitStop(Duration.ofSeconds(1))) {
        if (service.failure() != null || service.state() == KafkaStreams.State.ERROR) {
          LOG.error("the correlator stopped on its own", service.failure());
          exitCode = 1;
          break;
        }
      }
      if (exitCode == 0) {
        LOG.info("stopping: committing and closing the stores");
      }
    } finally {
      closed = service.close(runtime.shutdownTimeout());
    }
    if (!closed) {
      LOG.error("the correlator did not close within {}", runtime.shutdownTimeout());
      return 1;
    }
    return exitCode;
  }

  @Override
  protected FlagOverrides flags() {
    return new FlagOverrides()
        .put("kafka.bootstrapServers", "--bootstrap-servers", bootstrapServers)
        .put("kafka.applicationId", "--application-id", applicationId)
        .put("kafka.stateDir", "--state-dir", stateDir)
        .put("kafka.processingGuarantee", "--processing-guarantee", processingGuarantee)
        .put("kafka.standbyReplicas", "--standby-replicas", standbyReplicas)
        .put("kafka.properties", "--kafka-property", kafkaProperties)
        .put("correlator.inactivityGap", "--gap", gap);
  }
}
