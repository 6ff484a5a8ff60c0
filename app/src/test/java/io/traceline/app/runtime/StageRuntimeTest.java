package io.traceline.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.traceline.app.cli.SignalStop;
import io.traceline.app.runtime.RuntimeSettings.LogFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin endpoints and the stop of a {@link StageRuntime}, in process on a free port. */
@Timeout(30)
class StageRuntimeTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static RuntimeSettings settings(String instance) {
    return new RuntimeSettings(
        "127.0.0.1", 0, instance, Duration.ofSeconds(5), "INFO", LogFormat.TEXT);
  }

  @Test
  void readinessFollowsTheStagesCheckAndTurnsDownOnceAStopIsRequested() throws Exception {
    SignalStop signal = new SignalStop("test-stop");
    AtomicBoolean up = new AtomicBoolean(false);
    try (StageRuntime runtime = StageRuntime.start("sink", settings("sink-7"), signal, Map.of())) {
      assertThat(get(runtime, "/health/ready").statusCode())
          .as("down until the stage registers its check")
          .isEqualTo(503);
      runtime.readiness(() -> up.get() ? Health.up("consuming") : Health.down("joining"));
      HttpResponse<String> joining = get(runtime, "/health/ready");
      assertThat(joining.statusCode()).isEqualTo(503);
      assertThat(joining.body())
          .isEqualTo(
              "{\"status\":\"DOWN\",\"stage\":\"sink\",\"instance\":\"sink-7\",\"detail\":\"joining\"}");
      up.set(true);
      assertThat(get(runtime, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(runtime, "/health/live").statusCode()).isEqualTo(200);

      assertThat(runtime.awaitStop(Duration.ofMillis(10))).isFalse();
      signal.request();
      assertThat(runtime.awaitStop(Duration.ofMillis(10))).isTrue();
      HttpResponse<String> stopping = get(runtime, "/health/ready");
      assertThat(stopping.statusCode()).as("no new work once stopping").isEqualTo(503);
      assertThat(stopping.body()).contains("\"detail\":\"stopping\"");
    }
  }

  @Test
  void livenessIsTheStagesToSay() throws Exception {
    try (StageRuntime runtime =
        StageRuntime.start("correlate", settings("c"), new SignalStop("test-stop"), Map.of())) {
      runtime.liveness(() -> Health.down("streams ERROR"));
      HttpResponse<String> live = get(runtime, "/health/live");
      assertThat(live.statusCode()).isEqualTo(503);
      assertThat(live.body()).contains("streams ERROR");
    }
  }

  @Test
  void metricsCarryStageAndInstanceAndTheJvmsMeters() throws Exception {
    try (StageRuntime runtime =
        StageRuntime.start(
            "ingest",
            settings(null),
            new SignalStop("test-stop"),
            Map.of("HOSTNAME", "ingest-5d9f"))) {
      assertThat(runtime.instance())
          .as("the pod's name when none is configured")
          .isEqualTo("ingest-5d9f");
      Counter.builder("traceline.ingest.records")
          .tag("outcome", "ok")
          .register(runtime.registry())
          .increment(3);
      HttpResponse<String> scrape = get(runtime, "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).hasValue(AdminServer.PROMETHEUS_TEXT);
      PrometheusText metrics = new PrometheusText(scrape.body());
      assertThat(
              metrics.sum(
                  "traceline_ingest_records_total",
                  Map.of("outcome", "ok", "stage", "ingest", "instance", "ingest-5d9f")))
          .isEqualTo(3);
      assertThat(metrics.sum("jvm_memory_used_bytes", Map.of("stage", "ingest"))).isPositive();
      assertThat(
              metrics.has("jvm_gc_pause_seconds_count")
                  || metrics.has("jvm_gc_memory_allocated_bytes_total"))
          .isTrue();
      assertThat(metrics.has("process_cpu_usage")).isTrue();
    }
  }

  @Test
  void closingStopsTheAdminEndpoints() throws Exception {
    StageRuntime runtime =
        StageRuntime.start("serve", settings("s"), new SignalStop("test-stop"), Map.of());
    int port = runtime.adminPort();
    assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
    runtime.close();
    assertThat(refused(port)).as("nothing listens after close").isTrue();
  }

  private static boolean refused(int port) throws InterruptedException {
    try {
      get(port, "/health/live");
      return false;
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private static HttpResponse<String> get(StageRuntime runtime, String path) throws Exception {
    return get(runtime.adminPort(), path);
  }

  private static HttpResponse<String> get(int port, String path)
      throws java.io.IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
