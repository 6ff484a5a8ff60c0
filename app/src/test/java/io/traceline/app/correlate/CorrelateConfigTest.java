package io.traceline.app.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import io.traceline.app.config.ConfigLoader;
import io.traceline.app.config.EffectiveConfig;
import io.traceline.app.config.FlagOverrides;
import io.traceline.app.runtime.RuntimeSettings;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.rocksdb.BoundedRocksDbMemory;
import io.traceline.correlator.rocksdb.RocksDbMemorySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code traceline correlate}'s configuration: the example file, file + environment + flags through
 * the real command line, {@code --print-config}, {@code --check-config} and exit code 2. No broker:
 * these never get past the configuration.
 */
@Timeout(30)
class CorrelateConfigTest {

  /** The repository root: the app module runs its tests with app/ as working directory. */
  private static final Path EXAMPLE =
      Path.of("..").toAbsolutePath().normalize().resolve("deploy/config/correlate.yaml");

  @TempDir Path dir;

  private final TracelineRun cli = new TracelineRun();

  @Test
  void theExampleFileHoldsEveryKeyWithItsDefault() {
    EffectiveConfig<CorrelateConfig> config =
        new ConfigLoader(Map.of()).load(CorrelateConfig.class, EXAMPLE, new FlagOverrides());

    CorrelateConfig defaults = CorrelateConfig.defaults();
    assertThat(config.value())
        .isEqualTo(
            new CorrelateConfig(
                new CorrelateConfig.Kafka(
                    "localhost:9092",
                    defaults.kafka().applicationId(),
                    defaults.kafka().stateDir(),
                    defaults.kafka().processingGuarantee(),
                    defaults.kafka().standbyReplicas(),
                    Map.of()),
                CorrelatorSettings.defaults(),
                RocksDbMemorySettings.defaults(),
                RuntimeSettings.defaults(CorrelateConfig.ADMIN_PORT)));
    assertThat(config.origins())
        .as(
            "every key is in the file (an empty map has no entries to come from anywhere, and a"
                + " null is the default)")
        .allMatch(
            line ->
                line.endsWith("(file " + EXAMPLE + ")")
                    || line.startsWith("kafka.properties")
                    || line.startsWith("runtime.instance = null"))
        .hasSize(
            CorrelateConfig.Kafka.class.getRecordComponents().length
                + CorrelatorSettings.class.getRecordComponents().length
                + RocksDbMemorySettings.class.getRecordComponents().length
                + RuntimeSettings.class.getRecordComponents().length);
  }

  @Test
  void checkConfigSaysWhereEachValueCameFromAndExitsZero() throws IOException {
    Path file = yaml("kafka:\n  bootstrapServers: b1:9092,b2:9092\n");
    int code = cli.run("correlate", "--config", file.toString(), "--gap", "45s", "--check-config");
    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.out())
        .startsWith("config OK\n")
        .contains("  kafka.bootstrapServers = b1:9092,b2:9092  (file " + file + ")")
        .contains("  correlator.inactivityGap = 45s  (flag --gap)")
        .contains("  correlator.maxTraceAge = 5m  (default)");
  }

  @Test
  void flagsOverrideTheFileAndPrintConfigShowsTheResult() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: file:9092
              applicationId: from-file
              processingGuarantee: at_least_once
              standbyReplicas: 2
              properties:
                security.protocol: SASL_SSL
                sasl.mechanism: SCRAM-SHA-512
                sasl.jaas.config: ScramLoginModule required username="t" password="pw-in-file";
            correlator:
              inactivityGap: 10s
              maxTraceAge: 2m
            """);
    int code =
        cli.run(
            "correlate",
            "--config",
            file.toString(),
            "--bootstrap-servers",
            "flag:9092",
            "--gap",
            "20s",
            "--processing-guarantee",
            "EXACTLY_ONCE_V2",
            "--standby-replicas",
            "1",
            "--kafka-property",
            "sasl.mechanism=SCRAM-SHA-256",
            "--print-config");
    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("bootstrapServers: flag:9092")
        .contains("applicationId: from-file")
        .contains("processingGuarantee: exactly_once_v2")
        .contains("standbyReplicas: 1")
        .contains("inactivityGap: 20s")
        .contains("maxTraceAge: 2m")
        .contains("security.protocol: SASL_SSL")
        .contains("sasl.mechanism: SCRAM-SHA-256")
        .contains("sasl.jaas.config: '******'")
        .doesNotContain("pw-in-file");
  }

  @Test
  void theEnvironmentConfiguresTheCommandUnderItsFlags() {
    Map<String, String> env =
        Map.of(
            "TRACELINE_KAFKA_BOOTSTRAP_SERVERS",
            "env:9092",
            "TRACELINE_KAFKA_APPLICATION_ID",
            "from-env",
            "TRACELINE_KAFKA_PROPERTIES_SECURITY_PROTOCOL",
            "SASL_SSL",
            "TRACELINE_KAFKA_PROPERTIES_SASL_MECHANISM",
            "AWS_MSK_IAM",
            "TRACELINE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
            "software.amazon.msk.auth.iam.IAMLoginModule required;",
            "TRACELINE_CORRELATOR_MAX_TRACE_AGE",
            "7m");
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new CorrelateCommand(env));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));

    int code = cl.execute("--application-id", "from-flag", "--check-config");

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("kafka.bootstrapServers = env:9092  (env TRACELINE_KAFKA_BOOTSTRAP_SERVERS)")
        .contains("kafka.applicationId = from-flag  (flag --application-id)")
        .contains(
            "kafka.properties.sasl.mechanism = AWS_MSK_IAM"
                + "  (env TRACELINE_KAFKA_PROPERTIES_SASL_MECHANISM)")
        .contains(
            "kafka.properties.sasl.jaas.config = ******"
                + "  (env TRACELINE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG)")
        .contains("correlator.maxTraceAge = 7m  (env TRACELINE_CORRELATOR_MAX_TRACE_AGE)")
        .doesNotContain("IAMLoginModule");
  }

  @Test
  void aBadFileListsEveryProblemAndExitsTwo() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              applicationId: traceline-correlator
            correlator:
              inactivityGap: soon
              maxEventPerTrace: 100
            """);
    int code = cli.run("correlate", "--config", file.toString(), "--check-config");
    assertThat(code).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err())
        .startsWith("traceline: invalid configuration:\n")
        .contains("correlator.maxEventPerTrace: unknown key (did you mean maxEventsPerTrace?)")
        .contains("correlator.inactivityGap: 'soon' is not a duration")
        .contains(
            "kafka.bootstrapServers: required but not set (set kafka.bootstrapServers in the file,"
                + " TRACELINE_KAFKA_BOOTSTRAP_SERVERS, --bootstrap-servers)");
    assertThat(cli.err().lines().filter(l -> l.startsWith("  - "))).hasSize(3);
  }

  @Test
  void theCorrelatorsOwnChecksAndTheKafkaChecksRunTogether() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b:9092
              standbyReplicas: -1
              properties:
                bootstrap.servers: other:9092
                num.standby.replicas: "1"
            correlator:
              maxTraceAge: 10s
              maxBytesPerTrace: 100
            """);
    int code = cli.run("correlate", "--config", file.toString(), "--gap", "1m");
    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains(
            "kafka.properties.bootstrap.servers is set by bootstrapServers; set that instead"
                + " (from file "
                + file
                + ")")
        .contains("kafka.standbyReplicas must be at least 0, was -1 (from file " + file + ")")
        .contains(
            "kafka.properties.num.standby.replicas is set by standbyReplicas; set that instead")
        .contains("correlator.maxTraceAge (PT10S) must not be below inactivityGap (from file")
        .contains("correlator.maxBytesPerTrace must be at least 1024, was 100 (from file");
  }

  @Test
  void theRocksDbBoundIsCheckedWithEverythingElse() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b:9092
              properties:
                rocksdb.config.setter: com.example.MySetter
                traceline.rocksdb.memory.bytes: "1"
            rocksdb:
              memoryBytes: 1000
              writeBufferRatio: 0.95
              indexFilterRatio: 0.2
            correlator:
              maxBytesPerTrace: 100
            """);
    int code = cli.run("correlate", "--config", file.toString(), "--check-config");
    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains(
            "rocksdb.memoryBytes must be 0 (no bound) or from 16777216 (16 MiB) to 1099511627776"
                + " (1 TiB), was 1000 (from file "
                + file
                + ")")
        .contains(
            "rocksdb.writeBufferRatio (0.95) and indexFilterRatio (0.2) must leave part of the"
                + " budget to data blocks: their sum must be below 1 (from file")
        .contains(
            "kafka.properties.rocksdb.config.setter is set by the rocksdb section; set that instead")
        .contains(
            "kafka.properties.traceline.rocksdb.memory.bytes is set by rocksdb.memoryBytes; set"
                + " that instead")
        .contains("correlator.maxBytesPerTrace must be at least 1024");
    assertThat(cli.err().lines().filter(l -> l.startsWith("  - "))).hasSize(5);
  }

  @Test
  void theRocksDbBoundReachesStreamsFromTheEnvironmentUnderTheKafkaOverrides() {
    EffectiveConfig<CorrelateConfig> config =
        new ConfigLoader(
                Map.of(
                    "TRACELINE_KAFKA_BOOTSTRAP_SERVERS", "b:9092",
                    "TRACELINE_ROCKSDB_MEMORY_BYTES", "134217728",
                    "TRACELINE_ROCKSDB_WRITE_BUFFER_RATIO", "0.25"))
            .load(CorrelateConfig.class, null, new FlagOverrides());

    assertThat(config.value().rocksdb())
        .isEqualTo(new RocksDbMemorySettings(128L << 20, 0.25, 0.1));
    assertThat(config.value().streamsOverrides())
        .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class)
        .containsEntry(RocksDbMemorySettings.MEMORY_BYTES_CONFIG, 128L << 20)
        .containsEntry(RocksDbMemorySettings.WRITE_BUFFER_RATIO_CONFIG, 0.25)
        .containsEntry(RocksDbMemorySettings.INDEX_FILTER_RATIO_CONFIG, 0.1)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(CorrelateConfig.defaults().rocksdb().memoryBytes()).isEqualTo(256L << 20);
  }

  @Test
  void noConfigurationAtAllIsAUsageError() {
    assertThat(cli.run("correlate")).isEqualTo(2);
    assertThat(cli.err()).contains("kafka.bootstrapServers: required but not set");
  }

  @Test
  void theGuaranteeAndTheStandbyReplicasReachStreams() {
    CorrelateConfig.Kafka kafka =
        new CorrelateConfig.Kafka(
            "b:9092",
            "app",
            Path.of("state"),
            CorrelateConfig.ProcessingGuarantee.AT_LEAST_ONCE,
            1,
            Map.of("security.protocol", "SSL"));
    assertThat(kafka.streamsOverrides())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol",
                "SSL",
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.AT_LEAST_ONCE,
                StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                1));
    assertThat(CorrelateConfig.defaults().kafka().standbyReplicas()).isZero();
    assertThat(CorrelateConfig.defaults().correlator().inactivityGap())
        .isEqualTo(Duration.ofSeconds(30));
  }

  private Path yaml(String text) throws IOException {
    Path file = Files.createTempFile(dir, "correlate", ".yaml");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
