package io.traceline.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.Traceline;
import io.traceline.app.TracelineRun;
import io.traceline.app.config.ConfigLoader;
import io.traceline.app.config.FlagOverrides;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code traceline serve} as a command: a broken configuration is refused with every problem, and a
 * running server serves the UI, says 503 from the API while its OpenSearch is unreachable (and
 * stays ready, saying why in the readiness detail), serves metrics on the admin port, and exits 0
 * when asked to stop as by SIGTERM.
 */
@Timeout(60)
class ServeCommandTest {

  /** The repository root: the app module runs its tests with app/ as working directory. */
  private static final Path EXAMPLE =
      Path.of("..").toAbsolutePath().normalize().resolve("deploy/config/serve.yaml");

  @Test
  void theExampleFileHoldsEveryKeyWithItsDefault() {
    ServeConfig config =
        new ConfigLoader(Map.of()).load(ServeConfig.class, EXAMPLE, new FlagOverrides()).value();
    ServeConfig defaults = ServeConfig.defaults();
    assertThat(config.http()).isEqualTo(defaults.http());
    assertThat(config.opensearch().endpoints())
        .containsExactly(URI.create("http://localhost:9200"));
    assertThat(config.opensearch().requestTimeout())
        .isEqualTo(defaults.opensearch().requestTimeout());
    assertThat(config.opensearch().username()).isNull();
    assertThat(config.opensearch().trustStore()).isNull();
    assertThat(config.opensearch().aws()).isEqualTo(defaults.opensearch().aws());
  }

  @Test
  void theEnvironmentOverridesTheFileAndFlagsOverrideBoth() {
    ServeConfig config =
        new ConfigLoader(Map.of("TRACELINE_HTTP_PORT", "9999", "TRACELINE_HTTP_HOST", "127.0.0.1"))
            .load(ServeConfig.class, EXAMPLE, new FlagOverrides().put("http.port", "--port", 7000))
            .value();
    assertThat(config.http()).isEqualTo(new ServeConfig.Http("127.0.0.1", 7000));
  }

  @Test
  void aBrokenConfigurationListsEveryProblem() {
    TracelineRun cli = new TracelineRun();
    assertThat(cli.run("serve", "--port", "70000", "--host", " ")).isEqualTo(Traceline.EXIT_USAGE);
    assertThat(cli.err())
        .contains("opensearch.endpoints: at least one OpenSearch node is needed")
        .contains("http.port must be between 0 and 65535, was 70000 (from flag --port)")
        .contains("http.host must not be blank (from flag --host)");
  }

  @Test
  void servesUntilAskedToStop() throws Exception {
    int port = freePort();
    int closed = freePort();
    int admin = freePort();
    ServeCommand command = new ServeCommand(Map.of());
    CommandLine cl = new CommandLine(command);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> exit =
          runner.submit(
              () ->
                  cl.execute(
                      "--opensearch",
                      "http://127.0.0.1:" + closed,
                      "--host",
                      "127.0.0.1",
                      "--port",
                      String.valueOf(port),
                      "--admin-port",
                      String.valueOf(admin),
                      "--log-format",
                      "text"));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      // The command logs its port once it serves; until then a connection is refused, or (while
      // Jetty wires the static files in) answered 404.
      HttpResponse<String> page = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (page == null || page.statusCode() == 404) {
        assertThat(exit.isDone()).as("the command runs").isFalse();
        assertThat(System.nanoTime()).as("waiting for the server").isLessThan(deadline);
        try {
          page = http.send(request(port, "/"), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException notYet) {
          TimeUnit.MILLISECONDS.sleep(100);
        }
      }
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<title>Traceline</title>");
      HttpResponse<String> api =
          http.send(request(port, "/api/timelines"), HttpResponse.BodyHandlers.ofString());
      assertThat(api.statusCode()).isEqualTo(503);
      assertThat(api.body()).contains("OpenSearch is unavailable");

      HttpResponse<String> ready =
          http.send(request(admin, "/health/ready"), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode())
          .as("ready while it serves: the page says OpenSearch is unavailable, not the balancer")
          .isEqualTo(200);
      assertThat(ready.body()).contains("\"status\":\"UP\"").contains("OpenSearch unavailable");
      HttpResponse<String> live =
          http.send(request(admin, "/health/live"), HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
      HttpResponse<String> metrics =
          http.send(request(admin, "/metrics"), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes{").contains("stage=\"serve\"");

      command.requestStop();
      assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    } finally {
      runner.shutdownNow();
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
