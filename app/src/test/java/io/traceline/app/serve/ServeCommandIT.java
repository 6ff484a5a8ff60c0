package io.traceline.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.app.runtime.StageProcess;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.embedded.junit.OpenSearchExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traceline serve} from the real distribution in its own JVM over the real OpenSearch: ready
 * once OpenSearch answers, configured by environment variables over the file, metrics on the admin
 * port, and SIGTERM ends it with exit code 0.
 */
@ExtendWith(OpenSearchExtension.class)
@Timeout(120)
class ServeCommandIT {

  @Test
  void readyOverARealOpenSearchAndStopsOnSigterm(EmbeddedOpenSearch search, @TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("serve.yaml");
    Files.writeString(
        config,
        """
        opensearch:
          endpoints: [http://127.0.0.1:1] # replaced by TRACELINE_OPENSEARCH_ENDPOINTS
        http:
          port: 0
        """,
        StandardCharsets.UTF_8);
    try (StageProcess serve =
        StageProcess.start(
            "serve",
            config,
            dir.resolve("serve.log"),
            Map.of(
                "TRACELINE_OPENSEARCH_ENDPOINTS",
                search.httpUri().toString(),
                "TRACELINE_RUNTIME_INSTANCE",
                "serve-it"),
            List.of("-Xmx256m"))) {
      JsonNode ready = serve.awaitReady(Duration.ofSeconds(60));
      assertThat(ready.path("detail").asText()).isEqualTo("OpenSearch reachable");
      assertThat(ready.path("instance").asText()).isEqualTo("serve-it");
      assertThat(serve.metrics().sum("process_uptime_seconds", Map.of("stage", "serve")))
          .isPositive();
      assertThat(serve.terminate(Duration.ofSeconds(30))).as("a clean stop exits 0").isZero();
      assertThat(serve.jsonLogLines())
          .extracting(line -> line.path("message").asText())
          .anyMatch(message -> message.startsWith("serving the UI on http://"))
          .contains("stopping");
    }
  }
}
