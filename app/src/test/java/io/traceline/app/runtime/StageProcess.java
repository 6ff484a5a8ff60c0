package io.traceline.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One stage of the real distribution ({@code target/traceline.jar}, built by {@code mvn package})
 * in a child JVM, as a supervisor runs it: its own process, its admin port (0: a free one, read
 * back from its first log line), JSON logs to a file, SIGTERM to stop. For integration tests;
 * {@link #close()} kills what is still running.
 */
public final class StageProcess implements AutoCloseable {

  /** The distribution's jar, relative to the app module (the tests' working directory). */
  public static final Path JAR = Path.of("target", "traceline.jar");

  private static final Pattern ADMIN = Pattern.compile("health on http://[^/]+:(\\d+)/");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String stage;
  private final Process process;
  private final Path log;
  private int adminPort;

  private StageProcess(String stage, Process process, Path log) {
    this.stage = stage;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code traceline <stage> --config <config> --admin-port 0 <args...>} with the test's JVM
   * and no {@code TRACELINE_*} variables but those of {@code environment}.
   *
   * @param jvmOptions options before {@code -jar} ({@code -Xmx256m}, system properties)
   */
  public static StageProcess start(
      String stage,
      Path config,
      Path log,
      Map<String, String> environment,
      List<String> jvmOptions,
      String... args)
      throws IOException {
    assertThat(JAR).as("the distribution (mvn package) exists").isRegularFile();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of("-jar", JAR.toString(), stage, "--config", config.toString(), "--admin-port", "0"));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TRACELINE_"));
    builder.environment().putAll(environment);
    return new StageProcess(stage, builder.start(), log);
  }

  /** The child's process. */
  public Process process() {
    return process;
  }

  /** The admin port, once the stage logged it (waits up to a minute). */
  public int adminPort() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (adminPort == 0) {
      Matcher port = ADMIN.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (port.find()) {
        adminPort = Integer.parseInt(port.group(1));
        break;
      }
      assertThat(process.isAlive()).as("%s runs; its log:%n%s", stage, logText()).isTrue();
      assertThat(System.nanoTime()).as("%s logs its admin port", stage).isLessThan(deadline);
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    return adminPort;
  }

  /** GET on the admin port. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + adminPort() + path);
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until {@code /health/ready} answers 200; returns its body. */
  public JsonNode awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      HttpResponse<String> ready = get("/health/ready");
      if (ready.statusCode() == 200) {
        return JSON.readTree(ready.body());
      }
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
      assertThat(process.isAlive()).as("%s runs; its log:%n%s", stage, logText()).isTrue();
      assertThat(System.nanoTime())
          .as("%s becomes ready; last answer %s", stage, ready.body())
          .isLessThan(deadline);
      process.waitFor(200, TimeUnit.MILLISECONDS);
    }
  }

  /** The Prometheus scrape. */
  public PrometheusText metrics() throws IOException, InterruptedException {
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    return new PrometheusText(metrics.body());
  }

  /** Sends SIGTERM and waits up to {@code timeout} for the exit; returns the exit code. */
  public int terminate(Duration timeout) throws InterruptedException, IOException {
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .as("%s stops within %s of SIGTERM; its log:%n%s", stage, timeout, logText())
        .isTrue();
    return process.exitValue();
  }

  /** The log, as written so far. */
  public String logText() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /**
   * Every log line parsed as JSON, asserting that each is a JSON object; lines printed by the JVM
   * itself before logging starts are not expected.
   */
  public List<JsonNode> jsonLogLines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      assertThat(node.isObject()).as("a JSON log line: %s", line).isTrue();
      lines.add(node);
    }
    return lines;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
