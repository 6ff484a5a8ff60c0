package io.traceline.app.correlate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.traceline.app.runtime.RuntimeSettings;
import io.traceline.app.runtime.StageConfig;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.rocksdb.RocksDbMemorySettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The configuration of {@code traceline correlate}, bound from file, environment and flags by
 * {@link io.traceline.app.config.ConfigLoader}; the keys are documented in {@code
 * docs/configuration.md} and {@code deploy/config/correlate.yaml}. Immutable.
 *
 * @param kafka the Kafka Streams client: cluster, application id, state directory, guarantee, raw
 *     properties
 * @param correlator the topology's settings, key for key ({@link CorrelatorSettings}, checked by
 *     its own {@code problems()})
 * @param rocksdb the native memory all RocksDB stores of the process share, key for key ({@link
 *     RocksDbMemorySettings}: {@code memoryBytes}, {@code writeBufferRatio}, {@code
 *     indexFilterRatio}, checked by its own {@code problems()})
 * @param runtime admin port, instance name, shutdown timeout, logging ({@link RuntimeSettings})
 */
public record CorrelateConfig(
    Kafka kafka,
    CorrelatorSettings correlator,
    RocksDbMemorySettings rocksdb,
    RuntimeSettings runtime)
    implements StageConfig {

  /** The default admin port of correlate. */
  public static final int ADMIN_PORT = 9402;

  /** Every default; {@code kafka.bootstrapServers} has none and must be set. */
  public static CorrelateConfig defaults() {
    return new CorrelateConfig(
        Kafka.defaults(),
        CorrelatorSettings.defaults(),
        RocksDbMemorySettings.defaults(),
        RuntimeSettings.defaults(ADMIN_PORT));
  }

  /**
   * The properties to apply over the correlator's own: the RocksDB memory bound ({@code
   * rocksdb.config.setter} and its sizes), then {@link Kafka#streamsOverrides()}.
   */
  public Map<String, Object> streamsOverrides() {
    Map<String, Object> overrides = new LinkedHashMap<>(rocksdb.streamsProperties());
    overrides.putAll(kafka.streamsOverrides());
    return overrides;
  }

  /**
   * The Kafka Streams client of the correlator.
   *
   * @param bootstrapServers the cluster, {@code host:port[,host:port...]}; required
   * @param applicationId consumer group and prefix of the changelog topics; changing it starts from
   *     empty state (default {@code traceline-correlator})
   * @param stateDir where RocksDB keeps the stores (default {@code data/correlator})
   * @param processingGuarantee exactly-once (default) or at-least-once
   * @param standbyReplicas warm copies of each task's stores kept on other instances (default 0);
   *     with two or more instances, 1 lets a failover resume from a copy that is nearly up to date
   *     instead of restoring the stores from their changelog topics
   * @param properties raw Kafka Streams / client properties applied last: security (TLS,
   *     SASL/SCRAM, MSK IAM) and tuning; must not repeat the five keys above, nor the RocksDB
   *     memory bound's ({@code rocksdb.config.setter}, {@code traceline.rocksdb.*}: the {@code
   *     rocksdb} section sets them)
   */
  public record Kafka(
      @JsonProperty(required = true) String bootstrapServers,
      String applicationId,
      Path stateDir,
      ProcessingGuarantee processingGuarantee,
      int standbyReplicas,
      Map<String, String> properties) {

    /** The raw properties the typed keys own. */
    private static final Map<String, String> OWNED =
        Map.of(
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "bootstrapServers",
            StreamsConfig.APPLICATION_ID_CONFIG, "applicationId",
            StreamsConfig.STATE_DIR_CONFIG, "stateDir",
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "processingGuarantee",
            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "standbyReplicas",
            StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "the rocksdb section",
            RocksDbMemorySettings.MEMORY_BYTES_CONFIG, "rocksdb.memoryBytes",
            RocksDbMemorySettings.WRITE_BUFFER_RATIO_CONFIG, "rocksdb.writeBufferRatio",
            RocksDbMemorySettings.INDEX_FILTER_RATIO_CONFIG, "rocksdb.indexFilterRatio");

    public Kafka {
      properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    static Kafka defaults() {
      return new Kafka(
          null,
          "traceline-correlator",
          Path.of("data", "correlator"),
          ProcessingGuarantee.EXACTLY_ONCE_V2,
          0,
          Map.of());
    }

    /** Every invalid value, one line each, starting with its key; empty when usable. */
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (bootstrapServers != null && bootstrapServers.isBlank()) {
        problems.add("bootstrapServers must name at least one broker");
      }
      if (applicationId == null || applicationId.isBlank()) {
        problems.add("applicationId must not be blank");
      }
      if (stateDir == null) {
        problems.add("stateDir must be set");
      }
      if (processingGuarantee == null) {
        problems.add("processingGuarantee must be set");
      }
      if (standbyReplicas < 0) {
        problems.add("standbyReplicas must be at least 0, was " + standbyReplicas);
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

    /**
     * The properties to apply over the correlator's own: {@link #properties}, the guarantee and the
     * standby replicas.
     */
    public Map<String, Object> streamsOverrides() {
      Map<String, Object> overrides = new LinkedHashMap<>(properties);
      overrides.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee.config());
      overrides.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
      return overrides;
    }
  }

  /** Kafka Streams' processing guarantee; read in any case, printed as Kafka spells it. */
  public enum ProcessingGuarantee {
    /** Transactions: a crash can neither emit a revision twice nor lose one (the default). */
    EXACTLY_ONCE_V2(StreamsConfig.EXACTLY_ONCE_V2),
    /**
     * No transactions: after a crash a revision may be emitted again, or be lost when the trace's
     * closed state reached its changelog but the timeline did not.
     */
    AT_LEAST_ONCE(StreamsConfig.AT_LEAST_ONCE);

    private final String config;

    ProcessingGuarantee(String config) {
      this.config = config;
    }

    /** The value of {@code processing.guarantee}. */
    @JsonValue
    public String config() {
      return config;
    }
  }
}
