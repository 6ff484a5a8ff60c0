package io.traceline.app.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import io.traceline.app.config.ConfigLoader;
import io.traceline.app.config.EffectiveConfig;
import io.traceline.app.config.FlagOverrides;
import io.traceline.app.runtime.RuntimeSettings;
import io.traceline.sink.opensearch.OpenSearchSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code traceline sink}'s configuration: the example file, file + environment + flags through the
 * real command line, {@code --check-config}, secrets and exit code 2. No broker and no OpenSearch:
 * these never get past the configuration.
 */
@Timeout(30)
class SinkConfigTest {

  /** The repository root: the app module runs its tests with app/ as working directory. */
  private static final Path EXAMPLE =
      Path.of("..").toAbsolutePath().normalize().resolve("deploy/config/sink.yaml");

  @TempDir Path dir;

  private final TracelineRun cli = new TracelineRun();

  @Test
  void theExampleFileHoldsEveryKeyWithItsDefault() {
    EffectiveConfig<SinkConfig> config =
        new ConfigLoader(Map.of()).load(SinkConfig.class, EXAMPLE, new FlagOverrides());

    SinkConfig defaults = SinkConfig.defaults();
    assertThat(config.value())
        .isEqualTo(
            new SinkConfig(
                new SinkConfig.Kafka("localhost:9092", "traceline-sink", Map.of()),
                new OpenSearchSettings(
                    List.of(URI.create("http://localhost:9200")),
                    null,
                    null,
                    null,
                    null,
                    defaults.opensearch().requestTimeout(),
                    defaults.opensearch().retention(),
                    new OpenSearchSettings.Aws(null, "es")),
                defaults.sink(),
                RuntimeSettings.defaults(SinkConfig.ADMIN_PORT)));
  }

  @Test
  void awsSigningIsBoundFromTheFileAndTheEnvironment() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b1:9092
            opensearch:
              endpoints: [ "https://search-traces.eu-west-1.es.amazonaws.com" ]
              aws:
                service: aoss
            """);

    EffectiveConfig<SinkConfig> config =
        new ConfigLoader(Map.of("TRACELINE_OPENSEARCH_AWS_REGION", "eu-west-1"))
            .load(SinkConfig.class, file, new FlagOverrides());

    assertThat(config.value().opensearch().aws())
        .isEqualTo(new OpenSearchSettings.Aws("eu-west-1", "aoss"));
    assertThat(config.value().opensearch().aws().signs()).isTrue();
    assertThat(config.value().opensearch().problems()).isEmpty();
  }

  @Test
  void awsSigningProblemsAreListedUnderTheirKeys() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b1:9092
            opensearch:
              endpoints: [ "http://os:9200" ]
              username: traceline
              password: secret-in-file
              aws:
                region: mars-1
                service: s3
            """);

    int code = cli.run("sink", "--config", file.toString(), "--check-config");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("opensearch.aws.region: 'mars-1' is not an AWS region such as eu-west-1")
        .contains("opensearch.aws.service must be es (a managed domain) or aoss")
        .contains("opensearch.aws.region turns on AWS SigV4 signing, which excludes basic auth")
        .contains("opensearch.endpoints: http://os:9200 must be https when signing with AWS")
        .doesNotContain("secret-in-file");
    assertThat(cli.err().lines().filter(l -> l.startsWith("  - "))).hasSize(4);
  }

  @Test
  void checkConfigSaysWhereEachValueCameFromAndMasksThePassword() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b1:9092
            opensearch:
              username: traceline
            """);
    SinkCommand command =
        new SinkCommand(Map.of("TRACELINE_OPENSEARCH_PASSWORD", "pw-from-env-123"));
    CommandLine cl = new CommandLine(command);
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));

    int code =
        cl.execute(
            "--config",
            file.toString(),
            "--opensearch",
            "https://os1:9200,https://os2:9200",
            "--batch-size",
            "200",
            "--check-config");

    assertThat(code).isZero();
    assertThat(out.toString())
        .startsWith("config OK\n")
        .contains("  kafka.bootstrapServers = b1:9092  (file " + file + ")")
        .contains("  kafka.groupId = traceline-sink  (default)")
        .contains("  sink.batchSize = 200  (flag --batch-size)")
        .contains("opensearch.password = ******  (env TRACELINE_OPENSEARCH_PASSWORD)")
        .contains("https://os2:9200")
        .doesNotContain("pw-from-env-123");
  }

  @Test
  void aBadConfigurationListsEveryProblemOfEverySectionAndExitsTwo() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              groupId: " "
              properties:
                enable.auto.commit: "true"
            opensearch:
              endpoints: [ "ftp://os:21" ]
              password: secret-in-file
              retention: 0s
            sink:
              batchSize: 0
              maxBackoff: soon
            """);
    int code = cli.run("sink", "--config", file.toString(), "--check-config");
    assertThat(code).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err())
        .startsWith("traceline: invalid configuration:\n")
        .contains("kafka.bootstrapServers: required but not set")
        .contains("sink.maxBackoff: 'soon' is not a duration")
        .contains("kafka.groupId must not be blank (from file " + file + ")")
        .contains(
            "kafka.properties.enable.auto.commit is set by the sink (it commits itself); set that"
                + " instead")
        .contains("sink.batchSize must be at least 1, was 0")
        .contains("opensearch.endpoints: ftp://os:21 is not http(s)://host[:port]")
        .contains("opensearch.username and password go together")
        .contains("opensearch.retention must be positive")
        .doesNotContain("secret-in-file");
    assertThat(cli.err().lines().filter(l -> l.startsWith("  - "))).hasSize(8);
  }

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("sink.yaml");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
