package io.traceline.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traceline demo --with-opensearch}: beside the pipeline, OpenSearch, the sink and the UI;
 * every timeline the demo printed is found through the UI's API, and the page is served.
 */
@Timeout(240)
class DemoWithOpenSearchIT {

  private static final Pattern TRACE = Pattern.compile("(?m)^(?:trace|ok|note) +([0-9a-f]{32})");

  @TempDir Path dataDir;

  @Test
  void everyPrintedTimelineIsSearchableInTheUi() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    DemoPipeline.Options options =
        new DemoPipeline.Options(10, 3, Duration.ofSeconds(2), dataDir, 60, false, 0);
    try (DemoPipeline pipeline = DemoPipeline.start(options, out)) {
      long end = System.currentTimeMillis() + 15_000;
      while (System.currentTimeMillis() < end) {
        pipeline.step(System.currentTimeMillis());
      }
      pipeline.finish();

      Set<String> printed = new HashSet<>();
      Matcher m = TRACE.matcher(buffer.toString(StandardCharsets.UTF_8));
      while (m.find()) {
        printed.add(m.group(1));
      }
      assertThat(printed).hasSizeGreaterThan(50);

      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + pipeline.uiPort();
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);

      // The sink indexes asynchronously and OpenSearch refreshes every second: poll until all are
      // there (the bound fails the test, it does not pass it).
      Set<String> found = new HashSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!found.containsAll(printed) && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(500);
        HttpResponse<String> search =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/timelines?limit=1000")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        found.clear();
        for (JsonNode t : Json.MAPPER.readTree(search.body()).path("timelines")) {
          found.add(t.path("traceId").asText());
        }
      }
      assertThat(found).containsAll(printed);
    }
  }
}
