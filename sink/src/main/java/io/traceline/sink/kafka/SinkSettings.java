package io.traceline.sink.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * How {@link SinkService} consumes and paces itself. Immutable; {@link #problems()} lists every
 * invalid value at once.
 *
 * @param bootstrapServers the Kafka cluster, {@code host:port[,host:port...]}
 * @param groupId the consumer group; instances with the same group share the partitions (default
 *     {@code traceline-sink})
 * @param batchSize the most records one poll returns, and so one bulk request carries (default 500)
 * @param initialBackoff the first wait before sending again what OpenSearch could not take (default
 *     100 ms); it doubles up to {@code maxBackoff}, with jitter
 * @param maxBackoff the longest wait between two attempts (default 10 s)
 * @param retentionInterval how often expired indices are deleted (default 1 h)
 * @param properties raw Kafka client properties (security, tuning) for the consumer and the DLQ
 *     producer; must not repeat the keys above
 */
public record SinkSettings(
    String bootstrapServers,
    String groupId,
    int batchSize,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration retentionInterval,
    Map<String, String> properties) {

  /** The raw properties the typed keys own. */
  private static final Map<String, String> OWNED =
      Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "bootstrapServers",
          ConsumerConfig.GROUP_ID_CONFIG, "groupId",
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "batchSize",
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "the sink (it commits itself)",
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "the sink (read_committed)");

  public SinkSettings {
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /** Settings with every default for the given cluster. */
  public static SinkSettings of(String bootstrapServers) {
    return new SinkSettings(
        bootstrapServers,
        "traceline-sink",
        500,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        Duration.ofHours(1),
        Map.of());
  }

  /** These settings with another group id. */
  public SinkSettings withGroupId(String groupId) {
    return new SinkSettings(
        bootstrapServers,
        groupId,
        batchSize,
        initialBackoff,
        maxBackoff,
        retentionInterval,
        properties);
  }

  /** These settings with other backoff bounds. */
  public SinkSettings withBackoff(Duration initialBackoff, Duration maxBackoff) {
    return new SinkSettings(
        bootstrapServers,
        groupId,
        batchSize,
        initialBackoff,
        maxBackoff,
        retentionInterval,
        properties);
  }

  /** Every invalid value, one line each, starting with its name; empty when usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      problems.add("bootstrapServers must name at least one broker");
    }
    if (groupId == null || groupId.isBlank()) {
      problems.add("groupId must not be blank");
    }
    if (batchSize < 1) {
      problems.add("batchSize must be at least 1, was " + batchSize);
    }
    if (!positive(initialBackoff)) {
      problems.add("initialBackoff must be positive, was " + initialBackoff);
    }
    if (!positive(maxBackoff)) {
      problems.add("maxBackoff must be positive, was " + maxBackoff);
    } else if (positive(initialBackoff) && maxBackoff.compareTo(initialBackoff) < 0) {
      problems.add("maxBackoff must be at least initialBackoff (" + initialBackoff + ")");
    }
    if (!positive(retentionInterval)) {
      problems.add("retentionInterval must be positive, was " + retentionInterval);
    }
    Set<String> keys = new TreeSet<>(properties.keySet());
    for (String key : keys) {
      String owner = OWNED.get(key);
      if (owner != null) {
        problems.add("properties." + key + " is set by " + owner + "; set that instead");
      }
    }
    return problems;
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }
}
