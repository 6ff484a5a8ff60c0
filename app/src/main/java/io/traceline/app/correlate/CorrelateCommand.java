package io.traceline.app.correlate;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.UsageException;
import io.traceline.app.cli.DurationConverter;
import io.traceline.app.cli.SignalStop;
import io.traceline.correlator.CorrelatorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code traceline correlate}: the correlator stage as a service against a Kafka cluster. Runs
 * until SIGTERM or SIGINT, then stops reading, commits, closes its stores and exits 0; exits 1 when
 * the correlator fails on its own.
 */
@Command(
    name = "correlate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the correlator (Kafka Streams, RocksDB state) on a Kafka cluster: reads",
      "traceline.events, writes traceline.timelines and traceline.dlq; keys what it can of",
      "traceline.unkeyed from traceline.request-links. Stops cleanly on SIGTERM.",
      "Start more instances with the same --application-id to share the partitions."
    })
public final class CorrelateCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(CorrelateCommand.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  @Option(
      names = "--bootstrap-servers",
      required = true,
      description = "The Kafka cluster, host:port[,host:port...].")
  String bootstrapServers;

  @Option(
      names = "--application-id",
      defaultValue = "traceline-correlator",
      description =
          "Consumer group and prefix of the changelog topics (default: ${DEFAULT-VALUE});"
              + " changing it starts from empty state.")
  String applicationId;

  @Option(
      names = "--state-dir",
      defaultValue = "data/correlator",
      description = "Where RocksDB keeps the stores (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--gap",
      converter = DurationConverter.class,
      description = "Inactivity gap after which a trace closes (default: 30s).")
  Duration gap;

  @Option(
      names = "--processing-guarantee",
      defaultValue = "exactly_once_v2",
      description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
  String processingGuarantee;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description = "A raw Kafka Streams / client property (security, tuning); repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  private final SignalStop signal =
      new SignalStop("traceline-correlate-shutdown", CLOSE_TIMEOUT.plusSeconds(10));

  @Override
  public Integer call() throws Exception {
    CorrelatorSettings settings = validate();
    Map<String, Object> overrides = new LinkedHashMap<>(kafkaProperties);
    overrides.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    signal.install();
    CorrelatorService service =
        new CorrelatorService(
            bootstrapServers,
            applicationId,
            stateDir,
            settings,
            overrides,
            new SimpleMeterRegistry());
    try {
      service.start();
      LOG.info("correlating {} as {} (state in {})", bootstrapServers, applicationId, stateDir);
      while (!signal.await(Duration.ofSeconds(1))) {
        if (service.failure() != null || service.state() == KafkaStreams.State.ERROR) {
          LOG.error("the correlator stopped on its own", service.failure());
          return 1;
        }
      }
      LOG.info("stopping: committing and closing the stores");
      return 0;
    } finally {
      service.close(CLOSE_TIMEOUT);
      signal.close();
    }
  }

  /** Asks a running command to stop as SIGTERM would (for tests and embedding). */
  void requestStop() {
    signal.request();
  }

  private CorrelatorSettings validate() {
    List<String> problems = new ArrayList<>();
    if (bootstrapServers.isBlank()) {
      problems.add("--bootstrap-servers must name at least one broker");
    }
    if (applicationId.isBlank()) {
      problems.add("--application-id must not be blank");
    }
    String guarantee = processingGuarantee.toLowerCase(Locale.ROOT);
    if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)
        && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
      problems.add(
          "--processing-guarantee must be exactly_once_v2 or at_least_once, was "
              + processingGuarantee);
    }
    CorrelatorSettings.Builder builder = CorrelatorSettings.builder();
    if (gap != null) {
      builder.inactivityGap(gap);
    }
    CorrelatorSettings settings = builder.build();
    problems.addAll(settings.problems());
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid correlate options", problems);
    }
    processingGuarantee = guarantee;
    return settings;
  }
}
