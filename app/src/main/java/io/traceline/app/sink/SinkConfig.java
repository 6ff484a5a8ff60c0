package io.traceline.app.sink;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.traceline.app.runtime.RuntimeSettings;
import io.traceline.app.runtime.StageConfig;
import io.traceline.sink.kafka.SinkSettings;
import io.traceline.sink.opensearch.OpenSearchSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of {@code traceline sink}, bound from file, environment and flags by {@link
 * io.traceline.app.config.ConfigLoader}; the keys are documented in {@code docs/configuration.md}
 * and {@code deploy/config/sink.yaml}. Immutable.
 *
 * @param kafka the consumer: cluster, group, raw properties
 * @param opensearch where documents go ({@link OpenSearchSettings}, key for key, checked by its own
 *     {@code problems()})
 * @param sink batch size, backoff and retention schedule
 * @param runtime admin port, instance name, shutdown timeout, logging ({@link RuntimeSettings})
 */
public record SinkConfig(
    Kafka kafka, OpenSearchSettings opensearch, Loop sink, RuntimeSettings runtime)
    implements StageConfig {

  /** The default admin port of sink. */
  public static final int ADMIN_PORT = 9403;

  /** The keys of {@link SinkSettings} that live in the {@code kafka} section; the rest in sink. */
  private static final Set<String> KAFKA_KEYS = Set.of("bootstrapServers", "groupId", "properties");

  /** Every default; {@code kafka.bootstrapServers} and {@code opensearch.endpoints} must be set. */
  public static SinkConfig defaults() {
    SinkSettings settings = SinkSettings.of(null);
    return new SinkConfig(
        new Kafka(null, settings.groupId(), Map.of()),
        new OpenSearchSettings(
            List.of(),
            null,
            null,
            null,
            null,
            OpenSearchSettings.DEFAULT_REQUEST_TIMEOUT,
            OpenSearchSettings.DEFAULT_RETENTION,
            OpenSearchSettings.Aws.NONE),
        new Loop(
            settings.batchSize(),
            settings.initialBackoff(),
            settings.maxBackoff(),
            settings.retentionInterval()),
        RuntimeSettings.defaults(ADMIN_PORT));
  }

  /**
   * The Kafka consumer of the sink.
   *
   * @param bootstrapServers the cluster, {@code host:port[,host:port...]}; required
   * @param groupId the consumer group; instances with the same group share the partitions
   * @param properties raw Kafka client properties (security, tuning) for the consumer and the DLQ
   *     producer
   */
  public record Kafka(
      @JsonProperty(required = true) String bootstrapServers,
      String groupId,
      Map<String, String> properties) {
    public Kafka {
      properties = properties == null ? Map.of() : Map.copyOf(properties);
    }
  }

  /**
   * How the sink batches and paces itself.
   *
   * @param batchSize the most records in one poll and so in one bulk request
   * @param initialBackoff the first wait before sending again what OpenSearch could not take
   * @param maxBackoff the longest such wait
   * @param retentionInterval how often expired indices are deleted
   */
  public record Loop(
      int batchSize, Duration initialBackoff, Duration maxBackoff, Duration retentionInterval) {}

  /** The sink module's settings from these keys. */
  public SinkSettings settings() {
    return new SinkSettings(
        kafka.bootstrapServers(),
        kafka.groupId(),
        sink.batchSize(),
        sink.initialBackoff(),
        sink.maxBackoff(),
        sink.retentionInterval(),
        kafka.properties());
  }

  /**
   * The problems of {@link SinkSettings}, each under its section; a missing {@code
   * bootstrapServers} is left to the loader, which reports a required key.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (String problem : settings().problems()) {
      String key = problem.split("[ .]", 2)[0];
      if (key.equals("bootstrapServers") && kafka.bootstrapServers() == null) {
        continue;
      }
      problems.add((KAFKA_KEYS.contains(key) ? "kafka." : "sink.") + problem);
    }
    return problems;
  }
}
