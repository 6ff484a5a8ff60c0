package io.traceline.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.traceline.app.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading a record from defaults, a file, the environment and flags; every problem at once. */
@Timeout(30)
class ConfigLoaderTest {

  @TempDir Path dir;

  private static final Map<String, String> NO_ENV = Map.of();

  @Test
  void fileOverridesDefaultsEnvOverridesFileFlagsOverrideEnv() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: file:9092
              applicationId: from-file
            stage:
              inactivityGap: 10s
              maxTraceAge: 2m
              maxEventsPerTrace: 7
            """);
    Map<String, String> env =
        Map.of(
            "TRACELINE_KAFKA_APPLICATION_ID", "from-env",
            "TRACELINE_STAGE_INACTIVITY_GAP", "20s",
            "TRACELINE_STAGE_MAX_EVENTS_PER_TRACE", "8");
    FlagOverrides flags =
        new FlagOverrides()
            .put("stage.inactivityGap", "--gap", Duration.ofSeconds(40))
            .put("kafka.applicationId", "--application-id", null);

    EffectiveConfig<SampleConfig> config =
        new ConfigLoader(env).load(SampleConfig.class, file, flags);

    SampleConfig c = config.value();
    assertThat(c.kafka().bootstrapServers()).isEqualTo("file:9092");
    assertThat(c.kafka().applicationId())
        .as("env over file; a flag not given")
        .isEqualTo("from-env");
    assertThat(c.stage().inactivityGap()).as("flag over env").isEqualTo(Duration.ofSeconds(40));
    assertThat(c.stage().maxTraceAge()).as("file over default").isEqualTo(Duration.ofMinutes(2));
    assertThat(c.stage().maxEventsPerTrace()).isEqualTo(8);
    assertThat(c.stage().mode()).as("default").isEqualTo(SampleConfig.Mode.FAST);
    assertThat(config.origins())
        .contains(
            "kafka.bootstrapServers = file:9092  (file " + file + ")",
            "kafka.applicationId = from-env  (env TRACELINE_KAFKA_APPLICATION_ID)",
            "stage.inactivityGap = 40s  (flag --gap)",
            "stage.maxTraceAge = 2m  (file " + file + ")",
            "stage.mode = FAST  (default)");
  }

  @Test
  void environmentNamesAreThePathInUpperSnakeCase() {
    assertThat(Schema.envName(List.of("kafka", "bootstrapServers")))
        .isEqualTo("TRACELINE_KAFKA_BOOTSTRAP_SERVERS");
    assertThat(Schema.envName(List.of("correlator", "maxBytesPerTrace")))
        .isEqualTo("TRACELINE_CORRELATOR_MAX_BYTES_PER_TRACE");
    assertThat(Schema.envName(List.of("kafka", "exactlyOnceV2", "sloThresholdMs")))
        .isEqualTo("TRACELINE_KAFKA_EXACTLY_ONCE_V2_SLO_THRESHOLD_MS");
    assertThat(Schema.of(SampleConfig.class).envKeys().keySet())
        .containsExactly(
            "TRACELINE_KAFKA_BOOTSTRAP_SERVERS",
            "TRACELINE_KAFKA_APPLICATION_ID",
            "TRACELINE_KAFKA_PROPERTIES_",
            "TRACELINE_STAGE_INACTIVITY_GAP",
            "TRACELINE_STAGE_MAX_TRACE_AGE",
            "TRACELINE_STAGE_MODE",
            "TRACELINE_STAGE_MAX_EVENTS_PER_TRACE",
            "TRACELINE_STAGE_STATE_DIR",
            "TRACELINE_STAGE_START_TIME",
            "TRACELINE_STAGE_LOG_GROUPS",
            "TRACELINE_STAGE_PASSWORD");
  }

  @Test
  void passThroughEntriesMergeAcrossSourcesAndTakeUnderscoresAsDots() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b:9092
              properties:
                security.protocol: SASL_SSL
                sasl:
                  mechanism: SCRAM-SHA-512
                max.poll.records: 500
            """);
    Map<String, String> env =
        Map.of(
            "TRACELINE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\""
                + " password=\"hunter22\";",
            "TRACELINE_KAFKA_PROPERTIES_SASL_MECHANISM",
            "AWS_MSK_IAM");
    FlagOverrides flags =
        new FlagOverrides().put("kafka.properties", "--kafka-property", Map.of("acks", "1"));

    SampleConfig c = new ConfigLoader(env).load(SampleConfig.class, file, flags).value();

    assertThat(c.kafka().properties())
        .containsOnly(
            Map.entry("acks", "1"),
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "AWS_MSK_IAM"),
            Map.entry("max.poll.records", "500"),
            Map.entry(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\""
                    + " password=\"hunter22\";"));
  }

  @Test
  void everyProblemIsListedAtOnceOnePerLine() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              applicationId: app
              bootstrapServer: typo:9092
            stage:
              inactivityGap: soon
            """);

    UsageException e = problems(file, NO_ENV, new FlagOverrides());

    List<String> lines = e.getMessage().lines().skip(1).toList();
    assertThat(lines)
        .containsExactly(
            "  - kafka.bootstrapServer: unknown key (did you mean bootstrapServers?) (from file "
                + file
                + ")",
            "  - kafka.bootstrapServers: required but not set (set kafka.bootstrapServers in the"
                + " file, TRACELINE_KAFKA_BOOTSTRAP_SERVERS)",
            "  - stage.inactivityGap: 'soon' is not a duration (examples: 500ms, 60s, 5m, 1h,"
                + " PT30S) (from file "
                + file
                + ")");
  }

  @Test
  void theRecordsOwnChecksRunTooWithThePathAndTheSource() {
    Map<String, String> env =
        Map.of(
            "TRACELINE_KAFKA_BOOTSTRAP_SERVERS", " ",
            "TRACELINE_STAGE_MAX_EVENTS_PER_TRACE", "0",
            "TRACELINE_STAGE_MODE", "sometimes");

    UsageException e = problems(null, env, new FlagOverrides());

    assertThat(e.getMessage())
        .startsWith("invalid configuration:\n")
        .contains(
            "stage.mode: 'sometimes' is not one of FAST, CAREFUL (from env TRACELINE_STAGE_MODE)")
        .contains(
            "kafka.bootstrapServers must name at least one broker"
                + " (from env TRACELINE_KAFKA_BOOTSTRAP_SERVERS)")
        .contains(
            "stage.maxEventsPerTrace must be at least 1, was 0"
                + " (from env TRACELINE_STAGE_MAX_EVENTS_PER_TRACE)");
  }

  @Test
  void aRequiredKeyNamesItsFlag() {
    FlagOverrides flags =
        new FlagOverrides().put("kafka.bootstrapServers", "--bootstrap-servers", null);
    assertThat(problems(null, NO_ENV, flags).getMessage())
        .contains(
            "kafka.bootstrapServers: required but not set (set kafka.bootstrapServers in the file,"
                + " TRACELINE_KAFKA_BOOTSTRAP_SERVERS, --bootstrap-servers)");
  }

  @ParameterizedTest
  @CsvSource({
    "bootstrapserver, bootstrapServers",
    "bootstrap_servers, bootstrapServers",
    "BootstrapServers, bootstrapServers",
    "aplicationId, applicationId",
    "propertis, properties"
  })
  void nearMissesGetADidYouMean(String typo, String meant) {
    assertThat(
            Suggestions.nearest(typo, List.of("bootstrapServers", "applicationId", "properties")))
        .isEqualTo(meant);
  }

  @Test
  void aShortSuffixFindsTheLongKeyAndFarMissesListTheKeys() throws IOException {
    assertThat(Suggestions.nearest("gap", List.of("inactivityGap", "grace")))
        .isEqualTo("inactivityGap");
    assertThat(Suggestions.nearest("colour", List.of("inactivityGap", "grace"))).isNull();
    Path file = yaml("kafka:\n  bootstrapServers: b:1\ncolour: red\n");
    assertThat(problems(file, NO_ENV, new FlagOverrides()).getMessage())
        .contains("colour: unknown key; the keys here are kafka, stage");
  }

  @Test
  void secretsAreMaskedInThePrintedConfigAndTheOrigins() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b:9092
              properties:
                ssl.key.password: keypass1
                ssl.truststore.location: /etc/kafka/truststore.jks
            stage:
              password: s3cr3t-value
            """);
    Map<String, String> env =
        Map.of("TRACELINE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "LoginModule required secret=\"x\";");

    EffectiveConfig<SampleConfig> config =
        new ConfigLoader(env).load(SampleConfig.class, file, new FlagOverrides());

    assertThat(config.value().stage().password()).isEqualTo("s3cr3t-value");
    String printed = config.yaml() + String.join("\n", config.origins());
    assertThat(printed)
        .doesNotContain("keypass1", "s3cr3t-value", "LoginModule")
        .contains("/etc/kafka/truststore.jks")
        .contains("kafka.properties.sasl.jaas.config = ******  (env ");
    assertThat(config.yaml())
        .contains("ssl.key.password: '******'")
        .contains("password: '******'")
        .contains("sasl.jaas.config: '******'");
  }

  @Test
  void aSecretIsNeverQuotedInAProblem() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b:9092
              properties:
                ssl.keystore.password: [not, a, string]
            stage:
              password: bad-hunter2
            """);
    String message = problems(file, NO_ENV, new FlagOverrides()).getMessage();
    assertThat(message)
        .contains("kafka.properties.ssl.keystore.password: a list is not a single value")
        .contains("stage.password is too weak: ******")
        .doesNotContain("hunter2");

    Path typed = yaml("kafka:\n  bootstrapServers: b:9092\nstage:\n  password: {a: hunter3}\n");
    assertThat(problems(typed, NO_ENV, new FlagOverrides()).getMessage())
        .contains("stage.password: a mapping is not a single value")
        .doesNotContain("hunter3");
  }

  @Test
  void valuesOfEveryTypeAreRead() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b:9092
            stage:
              inactivityGap: 250ms
              maxTraceAge: 1h
              mode: careful
              stateDir: /var/lib/traceline
              startTime: 2025-11-14T09:00:00+01:00
              logGroups: [/aws/lambda/a, /aws/lambda/b]
            """);
    SampleConfig.Stage s = load(file, NO_ENV).stage();
    assertThat(s.inactivityGap()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.maxTraceAge()).isEqualTo(Duration.ofHours(1));
    assertThat(s.mode()).isEqualTo(SampleConfig.Mode.CAREFUL);
    assertThat(s.stateDir()).isEqualTo(Path.of("/var/lib/traceline"));
    assertThat(s.startTime()).isEqualTo(Instant.parse("2025-11-14T08:00:00Z"));
    assertThat(s.logGroups()).containsExactly("/aws/lambda/a", "/aws/lambda/b");

    Map<String, String> env =
        Map.of(
            "TRACELINE_KAFKA_BOOTSTRAP_SERVERS", "b:9092",
            "TRACELINE_STAGE_MAX_TRACE_AGE", "PT90S",
            "TRACELINE_STAGE_MODE", "Fast",
            "TRACELINE_STAGE_START_TIME", "1763107200000",
            "TRACELINE_STAGE_LOG_GROUPS", "x, y,z");
    SampleConfig.Stage fromEnv = load(null, env).stage();
    assertThat(fromEnv.maxTraceAge()).isEqualTo(Duration.ofSeconds(90));
    assertThat(fromEnv.mode()).isEqualTo(SampleConfig.Mode.FAST);
    assertThat(fromEnv.startTime()).isEqualTo(Instant.ofEpochMilli(1763107200000L));
    assertThat(fromEnv.logGroups()).containsExactly("x", "y", "z");
  }

  @Test
  void badValuesSayWhatIsExpected() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrapServers: b:9092
            stage:
              inactivityGap: 30
              maxTraceAge: 5 minutes
              maxEventsPerTrace: 1.5
              startTime: yesterday
              mode: [FAST]
            """);
    String message = problems(file, NO_ENV, new FlagOverrides()).getMessage();
    assertThat(message)
        .contains("stage.inactivityGap: '30' is not a duration")
        .contains("stage.maxTraceAge: '5 minutes' is not a duration")
        .contains("stage.maxEventsPerTrace: '1.5' is not a whole number")
        .contains("stage.startTime: 'yesterday' is not a time (ISO-8601")
        .contains("stage.mode: a list is not one of FAST, CAREFUL");
    assertThat(message.lines().filter(l -> l.startsWith("  - "))).hasSize(5);
  }

  @Test
  void aPropertiesFileNestsDottedKeysAndKeepsMapKeysWhole() throws IOException {
    Path file = dir.resolve("stage.properties");
    Files.writeString(
        file,
        """
        kafka.bootstrapServers=p:9092
        kafka.properties.security.protocol=SSL
        stage.inactivityGap=45s
        stage.maxEventsPerTrace=12
        """,
        StandardCharsets.UTF_8);
    SampleConfig c = load(file, NO_ENV);
    assertThat(c.kafka().bootstrapServers()).isEqualTo("p:9092");
    assertThat(c.kafka().properties()).containsEntry("security.protocol", "SSL");
    assertThat(c.stage().inactivityGap()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.stage().maxEventsPerTrace()).isEqualTo(12);
  }

  @Test
  void unreadableFilesAreProblemsWithoutQuotingTheFile() throws IOException {
    Path broken = yaml("kafka:\n  bootstrapServers: [b:9092\n  password: hunter4\n");
    String message = problems(broken, NO_ENV, new FlagOverrides()).getMessage();
    assertThat(message).contains(broken + ": not valid YAML at line").doesNotContain("hunter4");

    Path duplicate = yaml("kafka:\n  bootstrapServers: a:1\n  bootstrapServers: b:2\n");
    assertThat(problems(duplicate, NO_ENV, new FlagOverrides()).getMessage())
        .contains("Duplicate field 'bootstrapServers'");

    Path missing = dir.resolve("absent.yaml");
    assertThat(problems(missing, NO_ENV, new FlagOverrides()).getMessage())
        .contains(missing + ": no such file");
  }

  @Test
  void environmentVariablesThatSetNothingAreWarningsNotProblems() {
    Map<String, String> env =
        Map.of(
            "TRACELINE_KAFKA_BOOTSTRAP_SERVERS", "b:9092",
            "TRACELINE_KAFKA_BOOTSTRAP_SERVER", "typo:9092",
            "TRACELINE_LOG_LEVEL", "DEBUG",
            "TRACELINE_STAGE_MODE", "",
            "PATH", "/usr/bin");
    EffectiveConfig<SampleConfig> config =
        new ConfigLoader(env).load(SampleConfig.class, null, new FlagOverrides());
    assertThat(config.value().stage().mode())
        .as("empty is unset")
        .isEqualTo(SampleConfig.Mode.FAST);
    assertThat(config.warnings())
        .containsExactly(
            "TRACELINE_KAFKA_BOOTSTRAP_SERVER sets no configuration key"
                + " (did you mean TRACELINE_KAFKA_BOOTSTRAP_SERVERS?)");
  }

  @Test
  void warningsFollowTheProblemsWhenTheConfigurationIsInvalid() {
    Map<String, String> env = Map.of("TRACELINE_KAFKA_BOOTSTRAPSERVERS", "b:9092");
    String message = problems(null, env, new FlagOverrides()).getMessage();
    assertThat(message.lines().toList())
        .containsExactly(
            "invalid configuration:",
            "  - kafka.bootstrapServers: required but not set (set kafka.bootstrapServers in the"
                + " file, TRACELINE_KAFKA_BOOTSTRAP_SERVERS)",
            "warning: TRACELINE_KAFKA_BOOTSTRAPSERVERS sets no configuration key"
                + " (did you mean TRACELINE_KAFKA_BOOTSTRAP_SERVERS?)");
  }

  @Test
  void aFlagOnAnUnknownKeyIsAProgrammingError() {
    FlagOverrides flags = new FlagOverrides().put("kafka.bootstrap", "--bootstrap", "x");
    assertThatThrownBy(() -> new ConfigLoader(NO_ENV).load(SampleConfig.class, null, flags))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bootstrap maps onto kafka.bootstrap");
  }

  @Test
  void keysThatWouldShareAVariableAreRefused() {
    assertThatThrownBy(() -> Schema.of(Clash.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRACELINE_A_B_C");
    assertThatThrownBy(() -> Schema.of(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a record");
  }

  @Test
  void aRecordWithoutDefaultsStillHasItsRequiredKeysReported() {
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> new ConfigLoader(NO_ENV).load(NoDefaults.class, null, new FlagOverrides()));
    assertThat(e.getMessage()).contains("server.host: required but not set");

    NoDefaults bound =
        new ConfigLoader(Map.of("TRACELINE_SERVER_HOST", "h"))
            .load(NoDefaults.class, null, new FlagOverrides())
            .value();
    assertThat(bound).isEqualTo(new NoDefaults(new NoDefaults.Server("h", 0)));
  }

  /** No {@code defaults()}: absent keys are null (or zero). */
  record NoDefaults(Server server) {
    record Server(@JsonProperty(required = true) String host, int port) {}
  }

  /** {@code a.bC} and {@code aB.c} are both {@code TRACELINE_A_B_C}. */
  record Clash(Inner a, Inner2 aB) {
    record Inner(String bC) {}

    record Inner2(String c) {}
  }

  private SampleConfig load(Path file, Map<String, String> env) {
    return new ConfigLoader(env).load(SampleConfig.class, file, new FlagOverrides()).value();
  }

  private static UsageException problems(Path file, Map<String, String> env, FlagOverrides flags) {
    try {
      new ConfigLoader(env).load(SampleConfig.class, file, flags);
    } catch (UsageException e) {
      return e;
    }
    throw new AssertionError("the configuration was accepted");
  }

  private Path yaml(String text) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
