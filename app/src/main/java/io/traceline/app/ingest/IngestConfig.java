package io.traceline.app.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.traceline.app.runtime.RuntimeSettings;
import io.traceline.app.runtime.StageConfig;
import io.traceline.ingest.kinesis.KinesisSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The configuration of {@code traceline ingest}, bound from file, environment and flags by {@link
 * io.traceline.app.config.ConfigLoader}; the keys are documented in {@code docs/configuration.md}
 * and {@code deploy/config/ingest.yaml}. Immutable.
 *
 * @param kafka the cluster the events go to
 * @param aws where the Kinesis stream is
 * @param kinesis the shard reader's settings, key for key ({@link KinesisSettings}, checked by its
 *     own {@code problems()})
 * @param runtime admin port, instance name, shutdown timeout, logging ({@link RuntimeSettings})
 */
public record IngestConfig(Kafka kafka, Aws aws, KinesisSettings kinesis, RuntimeSettings runtime)
    implements StageConfig {

  /** The default admin port of ingest. */
  public static final int ADMIN_PORT = 9401;

  /** Every default; {@code kafka.bootstrapServers} and {@code kinesis.stream} must be set. */
  public static IngestConfig defaults() {
    return new IngestConfig(
        new Kafka(null, Map.of()),
        new Aws(null, null),
        KinesisSettings.defaults(),
        RuntimeSettings.defaults(ADMIN_PORT));
  }

  /**
   * The Kafka clients of ingest (a transactional producer, a reader of the checkpoint topic).
   *
   * @param bootstrapServers the cluster, {@code host:port[,host:port...]}; required
   * @param properties raw client properties applied to both: security (TLS, SASL/SCRAM, MSK IAM)
   *     and tuning; must not set what ingest owns (transactions, isolation, acks, idempotence)
   */
  public record Kafka(
      @JsonProperty(required = true) String bootstrapServers, Map<String, String> properties) {

    /** Properties ingest sets itself: changing them would break exactly-once. */
    private static final Set<String> OWNED =
        Set.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG);

    public Kafka {
      properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** Every invalid value, one line each, starting with its key; empty when usable. */
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (bootstrapServers != null && bootstrapServers.isBlank()) {
        problems.add("bootstrapServers must name at least one broker");
      }
      for (String key : new TreeSet<>(properties.keySet())) {
        if (OWNED.contains(key)) {
          problems.add("properties." + key + " is set by Traceline and cannot be overridden");
        }
      }
      return problems;
    }

    /** The client configs: {@link #properties}, then the cluster. */
    public Map<String, Object> clientConfig() {
      Map<String, Object> config = new LinkedHashMap<>(properties);
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      return config;
    }
  }

  /**
   * The AWS side.
   *
   * @param region the stream's region; null: the SDK's default chain ({@code AWS_REGION}, profile)
   * @param endpoint an endpoint override (a VPC endpoint, kinesalite, LocalStack); null: AWS's
   */
  public record Aws(String region, URI endpoint) {

    /** Every invalid value, one line each, starting with its key; empty when usable. */
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (region != null && !region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
        problems.add("region must be an AWS region such as eu-west-1, was '" + region + "'");
      }
      if (endpoint != null
          && (endpoint.getScheme() == null
              || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
              || endpoint.getHost() == null)) {
        problems.add("endpoint must be an http(s) URL, was '" + endpoint + "'");
      }
      return problems;
    }
  }
}
