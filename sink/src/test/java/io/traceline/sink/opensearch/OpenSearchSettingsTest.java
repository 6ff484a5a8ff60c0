package io.traceline.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OpenSearchSettingsTest {

  @Test
  void plainSettingsAreValid() {
    assertThat(OpenSearchSettings.of(URI.create("http://127.0.0.1:9200")).problems()).isEmpty();
  }

  @Test
  void everyProblemIsListedAtOnce() {
    OpenSearchSettings settings =
        new OpenSearchSettings(
            List.of(URI.create("ftp://host:21"), URI.create("https://node:9200")),
            "user",
            null,
            Path.of("no-such-truststore.p12"),
            "changeit",
            Duration.ZERO,
            Duration.ofDays(-1));

    assertThat(settings.problems())
        .containsExactly(
            "endpoints: ftp://host:21 is not http(s)://host[:port]",
            "username and password go together: set both or neither",
            "trustStore: no-such-truststore.p12 is not a readable file",
            "requestTimeout must be positive, was PT0S",
            "retention must be positive, was PT-24H");
    assertThatThrownBy(() -> OpenSearchIndexer.create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("username and password go together");
  }

  @Test
  void passwordsNeverShow() {
    String secret = "test-only-" + System.nanoTime();
    OpenSearchSettings settings =
        OpenSearchSettings.of(URI.create("https://node:9200"))
            .withBasicAuth("sink", secret)
            .withTrustStore(Path.of("ca.p12"), secret);

    assertThat(settings.toString()).contains("sink", "ca.p12").doesNotContain(secret);
  }
}
