package io.traceline.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import io.traceline.app.config.ConfigLoader;
import io.traceline.app.config.EffectiveConfig;
import io.traceline.app.config.FlagOverrides;
import io.traceline.app.runtime.RuntimeSettings;
import io.traceline.ingest.kinesis.KinesisSettings;
import io.traceline.ingest.kinesis.StartPosition;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traceline ingest}'s configuration: the example file, every problem listed with exit code
 * 2, flags over the file, secrets masked. No Kinesis, no broker: none of these gets past the
 * configuration.
 */
@Timeout(30)
class IngestConfigTest {

  private static final Path EXAMPLE =
      Path.of("..").toAbsolutePath().normalize().resolve("deploy/config/ingest.yaml");

  @TempDir Path dir;

  private final TracelineRun cli = new TracelineRun();

  @Test
  void theExampleFileHoldsEveryKeyWithItsDefault() {
    EffectiveConfig<IngestConfig> config =
        new ConfigLoader(Map.of()).load(IngestConfig.class, EXAMPLE, new FlagOverrides());

    assertThat(config.value())
        .isEqualTo(
            new IngestConfig(
                new IngestConfig.Kafka("localhost:9092", Map.of()),
                new IngestConfig.Aws(null, null),
                KinesisSettings.defaults("traceline-logs"),
                RuntimeSettings.defaults(IngestConfig.ADMIN_PORT)));
  }

  @Test
  void aBrokenConfigListsEveryProblemAndExitsTwo() throws IOException {
    Path file =
        write(
            "kafka:",
            "  properties:",
            "    transactional.id: mine",
            "aws:",
            "  region: Europe",
            "kinesis:",
            "  startPosition: AT_TIMESTAMP",
            "  maxRecordsPerRead: 0",
            "  instanceIndex: 2",
            "  readsPerSecondPerShard: 9",
            "  idelInterval: 1s");

    int exit = cli.run("ingest", "--config", file.toString(), "--check-config");

    assertThat(exit).isEqualTo(2);
    assertThat(cli.err())
        .contains("kafka.bootstrapServers")
        .contains("kinesis.stream")
        .contains("transactional.id is set by Traceline")
        .contains("aws.region must be an AWS region")
        .contains("startTimestamp is required with startPosition AT_TIMESTAMP")
        .contains("maxRecordsPerRead must be in [1, 10000]")
        .contains("instanceIndex must be in [0, instanceCount)")
        .contains("readsPerSecondPerShard must be in [1, 5]")
        .contains("idelInterval")
        .contains("idleInterval"); // did you mean
  }

  @Test
  void flagsWinOverTheFileAndTheEnvironment() throws IOException {
    Path file =
        write(
            "kafka:",
            "  bootstrapServers: file:9092",
            "kinesis:",
            "  stream: from-file",
            "  idleInterval: 250ms");
    EffectiveConfig<IngestConfig> config =
        new ConfigLoader(Map.of("TRACELINE_KINESIS_STREAM", "from-env"))
            .load(
                IngestConfig.class,
                file,
                new FlagOverrides()
                    .put("kafka.bootstrapServers", "--bootstrap-servers", "flag:9092")
                    .put("kinesis.instanceCount", "--instance-count", 3)
                    .put("kinesis.instanceIndex", "--instance-index", 2)
                    .put("kinesis.startPosition", "--start-position", StartPosition.LATEST)
                    .put("aws.endpoint", "--endpoint", "http://127.0.0.1:4567"));

    IngestConfig value = config.value();
    assertThat(value.kafka().bootstrapServers()).isEqualTo("flag:9092");
    assertThat(value.kinesis().stream()).isEqualTo("from-env");
    assertThat(value.kinesis().idleInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(value.kinesis().transactionalId()).isEqualTo("traceline-ingest-from-env-2");
    assertThat(value.kinesis().startPosition()).isEqualTo(StartPosition.LATEST);
    assertThat(value.aws().endpoint()).isEqualTo(URI.create("http://127.0.0.1:4567"));
  }

  @Test
  void printConfigMasksSecretsOfTheKafkaProperties() throws IOException {
    Path file =
        write(
            "kafka:",
            "  bootstrapServers: broker:9092",
            "  properties:",
            "    sasl.jaas.config: ScramLoginModule required username=\"t\" password=\"hunter2\";",
            "kinesis:",
            "  stream: logs");

    int exit = cli.run("ingest", "--config", file.toString(), "--print-config");

    assertThat(exit).isZero();
    assertThat(cli.out()).contains("stream: logs").doesNotContain("hunter2");
  }

  private Path write(String... lines) throws IOException {
    Path file = dir.resolve("ingest.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
