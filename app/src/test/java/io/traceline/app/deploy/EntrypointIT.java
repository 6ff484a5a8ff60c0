package io.traceline.app.deploy;

import static io.traceline.app.deploy.Stages.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's entrypoint script run with bash against the real distribution (app/target after
 * {@code mvn package}), as the container runs it: the arguments, the TRACELINE_* variables, the
 * configuration file named by TRACELINE_CONFIG and JAVA_OPTS reach the stage, and the stage's exit
 * code is the script's.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EntrypointIT {

  private static final Path SCRIPT = ROOT.resolve("deploy/docker/entrypoint.sh");
  private static final Path DISTRIBUTION = Path.of("target").toAbsolutePath();

  @TempDir Path dir;

  /** What a run printed (stdout and stderr) and its exit code. */
  private record Run(int exitCode, String output) {}

  @BeforeAll
  static void distributionIsBuilt() {
    assertThat(DISTRIBUTION.resolve("traceline.jar"))
        .as("mvn package built the jar")
        .isRegularFile();
    assertThat(DISTRIBUTION.resolve("lib")).as("and its lib/").isDirectory();
  }

  @Test
  void environmentConfigFileAndJavaOptsReachTheStage() throws Exception {
    Path config = copyOf("ingest.yaml", dir.resolve("a folder with spaces"));
    Run run =
        run(
            Map.of(
                "TRACELINE_CONFIG", config.toString(),
                "TRACELINE_KAFKA_BOOTSTRAP_SERVERS", "kafka:19092",
                "TRACELINE_KINESIS_STREAM", "from-the-environment",
                "JAVA_OPTS", "-Xmx96m -XshowSettings:vm"),
            "ingest",
            "--check-config");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("config OK")
        .contains("kafka.bootstrapServers = kafka:19092  (env TRACELINE_KAFKA_BOOTSTRAP_SERVERS)")
        .contains("kinesis.stream = from-the-environment  (env TRACELINE_KINESIS_STREAM)")
        .as("the file named by TRACELINE_CONFIG was read")
        .contains("(file " + config + ")")
        .as("JAVA_OPTS reached the JVM")
        .contains("Max. Heap Size: 96.00M");
  }

  @Test
  void argumentsPassThroughAsGivenAndFlagsWin() throws Exception {
    Path config = copyOf("correlate.yaml", dir.resolve("another folder"));
    Run run =
        run(
            Map.of("TRACELINE_KAFKA_BOOTSTRAP_SERVERS", "from-env:9092"),
            "correlate",
            "--config",
            config.toString(),
            "--bootstrap-servers",
            "from-flag:9092",
            "--print-config");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("bootstrapServers: from-flag:9092")
        .doesNotContain("from-env:9092");
  }

  @Test
  void aBadConfigurationExitsWithTheStagesCode() throws Exception {
    Run run = run(Map.of("TRACELINE_SINK_BATCH_SIZE", "0"), "sink", "--check-config");

    assertThat(run.exitCode()).as("exit code 2: configuration error\n" + run.output()).isEqualTo(2);
    assertThat(run.output()).contains("kafka.bootstrapServers").contains("batchSize");
  }

  @Test
  void aMissingDistributionIsNamed() throws Exception {
    Run run = run(Map.of("TRACELINE_HOME", dir.resolve("nowhere").toString()), "serve");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains(dir.resolve("nowhere").resolve("traceline.jar").toString());
  }

  private static Path copyOf(String example, Path folder) throws IOException {
    Files.createDirectories(folder);
    return Files.copy(ROOT.resolve("deploy/config").resolve(example), folder.resolve(example));
  }

  /** Runs the script with bash, the distribution in app/target, and only {@code env} set. */
  private Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("TRACELINE_") || k.equals("JAVA_OPTS"));
    environment.put("TRACELINE_HOME", DISTRIBUTION.toString());
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.put("JAVA_OPTS", "-Xmx128m");
    environment.putAll(env);
    Path log = Files.createTempFile(dir, "entrypoint", ".log");
    Process process = builder.redirectOutput(log.toFile()).start();
    try {
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the stage exits").isTrue();
    } finally {
      process.destroyForcibly();
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
