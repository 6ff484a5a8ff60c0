package io.traceline.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.correlate.CorrelateConfig;
import io.traceline.app.correlate.CorrelatorService;
import io.traceline.app.ingest.IngestConfig;
import io.traceline.app.sink.SinkConfig;
import io.traceline.ingest.publish.EventPublisher;
import io.traceline.sink.kafka.SinkService;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security settings pass through every stage's configuration to its clients without code: set
 * by environment variables only, the real clients of ingest, correlate and sink are built with them
 * (Kafka configures SASL, loads the login module and the callback handler when a client is
 * created), for Amazon MSK IAM (the aws-msk-iam-auth library ships in the distribution) and for
 * SASL/SCRAM over TLS. No broker is contacted.
 */
@Timeout(60)
class KafkaSecurityTest {

  /** MSK IAM, as its documentation gives it, in Traceline's environment variables. */
  private static final Map<String, String> MSK_IAM =
      Map.of(
          "TRACELINE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
          "TRACELINE_KAFKA_PROPERTIES_SASL_MECHANISM", "AWS_MSK_IAM",
          "TRACELINE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
              "software.amazon.msk.auth.iam.IAMLoginModule required;",
          "TRACELINE_KAFKA_PROPERTIES_SASL_CLIENT_CALLBACK_HANDLER_CLASS",
              "software.amazon.msk.auth.iam.IAMClientCallbackHandler");

  private static final Map<String, String> SCRAM =
      Map.of(
          "TRACELINE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
          "TRACELINE_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
          "TRACELINE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
              "org.apache.kafka.common.security.scram.ScramLoginModule required"
                  + " username=\"traceline\" password=\"not-a-secret\";");

  @Test
  void ingestBuildsItsProducerWithMskIam() {
    IngestConfig config = load(IngestConfig.class, MSK_IAM, "TRACELINE_KINESIS_STREAM", "logs");
    assertThat(config.kafka().clientConfig()).containsEntry("sasl.mechanism", "AWS_MSK_IAM");
    new EventPublisher(config.kafka().clientConfig(), new SimpleMeterRegistry()).close();

    Map<String, String> misspelt = new HashMap<>(MSK_IAM);
    misspelt.put(
        "TRACELINE_KAFKA_PROPERTIES_SASL_CLIENT_CALLBACK_HANDLER_CLASS",
        "software.amazon.msk.auth.iam.NoSuchHandler");
    IngestConfig broken = load(IngestConfig.class, misspelt, "TRACELINE_KINESIS_STREAM", "logs");
    assertThatThrownBy(
            () -> new EventPublisher(broken.kafka().clientConfig(), new SimpleMeterRegistry()))
        .as("building the client really configures SASL: a class that is not there fails")
        .hasStackTraceContaining("NoSuchHandler");
  }

  @Test
  void correlateBuildsItsStreamsClientWithMskIamAndScram(@TempDir Path state) {
    for (Map<String, String> security : List.of(MSK_IAM, SCRAM)) {
      Map<String, String> env = new HashMap<>(security);
      env.put("TRACELINE_KAFKA_STATE_DIR", state.toString());
      CorrelateConfig config = load(CorrelateConfig.class, env);
      CorrelateConfig.Kafka kafka = config.kafka();
      assertThat(kafka.streamsOverrides()).containsEntry("security.protocol", "SASL_SSL");
      new CorrelatorService(
              kafka.bootstrapServers(),
              kafka.applicationId(),
              kafka.stateDir(),
              config.correlator(),
              config.streamsOverrides(),
              new SimpleMeterRegistry())
          .close();
    }
  }

  @Test
  void sinkBuildsItsConsumerAndProducerWithScramAndMskIam() throws Exception {
    for (Map<String, String> security : List.of(SCRAM, MSK_IAM)) {
      SinkConfig config =
          load(SinkConfig.class, security, "TRACELINE_OPENSEARCH_ENDPOINTS", "http://127.0.0.1:1");
      assertThat(config.settings().properties()).containsKey("sasl.jaas.config");
      try (OpenSearchIndexer indexer = OpenSearchIndexer.create(config.opensearch())) {
        new SinkService(config.settings(), indexer, new SimpleMeterRegistry(), Clock.systemUTC())
            .close();
      }
    }
  }

  private static <T> T load(Class<T> type, Map<String, String> security, String... more) {
    Map<String, String> env = new HashMap<>(security);
    env.put("TRACELINE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9098");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    EffectiveConfig<T> config = new ConfigLoader(env).load(type, null, new FlagOverrides());
    assertThat(config.warnings()).as("every variable names a key").isEmpty();
    return config.value();
  }
}
