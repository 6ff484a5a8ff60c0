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
            Duration.ofDays(-1),
            null);

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
  void awsSigningIsOffByDefaultAndSignsForManagedDomainsUnlessToldOtherwise() {
    OpenSearchSettings plain = OpenSearchSettings.of(URI.create("https://node:9200"));
    OpenSearchSettings signed = plain.withAws(" EU-West-1 ", null);

    assertThat(plain.aws()).isEqualTo(OpenSearchSettings.Aws.NONE);
    assertThat(plain.aws().signs()).isFalse();
    assertThat(signed.aws().signs()).isTrue();
    assertThat(signed.aws()).isEqualTo(new OpenSearchSettings.Aws("eu-west-1", "es"));
    assertThat(signed.problems()).isEmpty();
    assertThat(
            OpenSearchSettings.of(URI.create("https://collection.eu-west-1.aoss.amazonaws.com"))
                .withAws("us-gov-west-1", "AOSS")
                .problems())
        .isEmpty();
  }

  @Test
  void awsSigningProblemsAreListedWithTheRest() {
    OpenSearchSettings settings =
        OpenSearchSettings.of(URI.create("http://node-1:9200"), URI.create("https://node-2:9200"))
            .withBasicAuth("sink", "pw")
            .withAws("Europe", "opensearch");

    assertThat(settings.problems())
        .containsExactly(
            "aws.region: 'europe' is not an AWS region such as eu-west-1",
            "aws.service must be es (a managed domain) or aoss (OpenSearch Serverless), was"
                + " 'opensearch'",
            "aws.region turns on AWS SigV4 signing, which excludes basic auth: unset username and"
                + " password",
            "endpoints: AWS signing takes exactly one endpoint (the domain's or the collection's),"
                + " not 2",
            "endpoints: http://node-1:9200 must be https when signing with AWS");
  }

  @Test
  void aServiceWithoutARegionSignsNothingButMustStillBeKnown() {
    OpenSearchSettings settings =
        OpenSearchSettings.of(URI.create("http://node:9200")).withAws(null, "s3");

    assertThat(settings.aws().signs()).isFalse();
    assertThat(settings.problems())
        .containsExactly(
            "aws.service must be es (a managed domain) or"
                + " aoss (OpenSearch Serverless), was 's3'");
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
