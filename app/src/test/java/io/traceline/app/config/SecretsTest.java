package io.traceline.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which keys are secret, and the one duration syntax in both directions. */
@Timeout(10)
class SecretsTest {

  @ParameterizedTest
  @CsvSource({
    "kafka.properties.sasl.jaas.config, true",
    "kafka.properties.ssl.key.password, true",
    "kafka.properties.ssl.keystore.password, true",
    "kafka.properties.ssl.keystore.key, true",
    "kafka.properties.sasl.oauthbearer.client.credentials.client.secret, true",
    "kafka.properties.basic.auth.user.info, true",
    "aws.credentials, true",
    "aws.secretAccessKey, true",
    "aws.sessionToken, true",
    "opensearch.apiKey, true",
    "stage.password, true",
    "kafka.properties.security.protocol, false",
    "kafka.properties.sasl.mechanism, false",
    "kafka.properties.ssl.truststore.location, false",
    "kafka.properties.sasl.oauthbearer.token.endpoint.url, false",
    "kafka.bootstrapServers, false",
    "correlator.maxEventsPerTrace, false"
  })
  void secretKeys(String path, boolean secret) {
    assertThat(Secrets.isSecret(path)).isEqualTo(secret);
  }

  @Test
  void durationsArePrintedInTheFormTheyAreRead() {
    assertThat(Mappers.formatDuration(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Mappers.formatDuration(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Mappers.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Mappers.formatDuration(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Mappers.formatDuration(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(Mappers.formatDuration(Duration.ZERO)).isEqualTo("0s");
    assertThat(Mappers.formatDuration(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
    for (Duration d :
        new Duration[] {
          Duration.ofMillis(1), Duration.ofSeconds(-5), Duration.ofDays(3), Duration.ofNanos(7)
        }) {
      assertThat(io.traceline.app.cli.DurationConverter.parse(Mappers.formatDuration(d)))
          .isEqualTo(d);
    }
  }
}
