package io.traceline.correlator.rocksdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How much native memory the RocksDB stores of one JVM may use together, and how it is shared out:
 * the settings of {@link BoundedRocksDbMemory}, which reads them from the Kafka Streams properties
 * this record writes ({@link #streamsProperties()}). Immutable; validated by {@link #problems()}.
 *
 * <p>The budget is one LRU block cache of {@code memoryBytes}. The memtables of every store are
 * charged to it through one write buffer manager of {@code writeBufferRatio} of the budget, and
 * index and filter blocks are cached in it with high priority, in a pool of {@code
 * indexFilterRatio} of the budget that data blocks cannot evict; data blocks get the rest.
 *
 * @param memoryBytes the budget in bytes: block cache, memtables, index and filter blocks of every
 *     store of the JVM; 0 turns the bound off (each store keeps Kafka Streams' defaults: its own 50
 *     MiB cache and up to three 16 MiB memtables). Default 256 MiB.
 * @param writeBufferRatio the share of the budget the memtables may take before RocksDB flushes
 *     them, in (0, 1); default 0.5
 * @param indexFilterRatio the share of the budget kept for index and filter blocks, in [0, 1); with
 *     {@code writeBufferRatio} below 1; default 0.1
 */
public record RocksDbMemorySettings(
    long memoryBytes, double writeBufferRatio, double indexFilterRatio) {

  /** Streams property: the budget in bytes ({@link #memoryBytes}). */
  public static final String MEMORY_BYTES_CONFIG = "traceline.rocksdb.memory.bytes";

  /** Streams property: the memtables' share ({@link #writeBufferRatio}). */
  public static final String WRITE_BUFFER_RATIO_CONFIG = "traceline.rocksdb.write.buffer.ratio";

  /** Streams property: the share of index and filter blocks ({@link #indexFilterRatio}). */
  public static final String INDEX_FILTER_RATIO_CONFIG = "traceline.rocksdb.index.filter.ratio";

  /** The smallest budget: below it the stores would flush and read from disk all the time. */
  public static final long MIN_MEMORY_BYTES = 16L << 20;

  /** The largest budget: anything above is a typo rather than a machine. */
  public static final long MAX_MEMORY_BYTES = 1L << 40;

  private static final long DEFAULT_MEMORY_BYTES = 256L << 20;
  private static final double DEFAULT_WRITE_BUFFER_RATIO = 0.5;
  private static final double DEFAULT_INDEX_FILTER_RATIO = 0.1;

  /** A 256 MiB budget, half of it for memtables, a tenth kept for index and filter blocks. */
  public static RocksDbMemorySettings defaults() {
    return new RocksDbMemorySettings(
        DEFAULT_MEMORY_BYTES, DEFAULT_WRITE_BUFFER_RATIO, DEFAULT_INDEX_FILTER_RATIO);
  }

  /** Whether the stores share a bounded budget ({@code memoryBytes} is not 0). */
  public boolean bounded() {
    return memoryBytes != 0;
  }

  /** The memtables' share of the budget in bytes, charged to the block cache. */
  public long writeBufferBytes() {
    return (long) (memoryBytes * writeBufferRatio);
  }

  /** Every invalid value, one line each, starting with its name; empty when usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (memoryBytes != 0 && (memoryBytes < MIN_MEMORY_BYTES || memoryBytes > MAX_MEMORY_BYTES)) {
      problems.add(
          "memoryBytes must be 0 (no bound) or from "
              + MIN_MEMORY_BYTES
              + " (16 MiB) to "
              + MAX_MEMORY_BYTES
              + " (1 TiB), was "
              + memoryBytes);
    }
    boolean writeBufferValid = writeBufferRatio > 0 && writeBufferRatio < 1;
    if (!writeBufferValid) {
      problems.add("writeBufferRatio must be above 0 and below 1, was " + writeBufferRatio);
    }
    boolean indexFilterValid = indexFilterRatio >= 0 && indexFilterRatio < 1;
    if (!indexFilterValid) {
      problems.add("indexFilterRatio must be at least 0 and below 1, was " + indexFilterRatio);
    }
    if (writeBufferValid && indexFilterValid && writeBufferRatio + indexFilterRatio >= 1) {
      problems.add(
          "writeBufferRatio ("
              + writeBufferRatio
              + ") and indexFilterRatio ("
              + indexFilterRatio
              + ") must leave part of the budget to data blocks: their sum must be below 1");
    }
    return problems;
  }

  /**
   * The Kafka Streams properties that bound the stores' memory: {@code rocksdb.config.setter} (
   * {@link BoundedRocksDbMemory}) and the three sizes.
   */
  public Map<String, Object> streamsProperties() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
    props.put(MEMORY_BYTES_CONFIG, memoryBytes);
    props.put(WRITE_BUFFER_RATIO_CONFIG, writeBufferRatio);
    props.put(INDEX_FILTER_RATIO_CONFIG, indexFilterRatio);
    return props;
  }

  /**
   * The settings in Streams properties (as {@link #streamsProperties()} writes them, or as text
   * from a properties file); a key not set takes its default.
   *
   * @throws ConfigException naming every key whose value is not a number or not valid
   */
  public static RocksDbMemorySettings fromStreamsConfig(Map<String, ?> configs) {
    List<String> problems = new ArrayList<>();
    RocksDbMemorySettings d = defaults();
    long memory = number(configs, MEMORY_BYTES_CONFIG, d.memoryBytes(), true, problems).longValue();
    double writeBuffer =
        number(configs, WRITE_BUFFER_RATIO_CONFIG, d.writeBufferRatio(), false, problems)
            .doubleValue();
    double indexFilter =
        number(configs, INDEX_FILTER_RATIO_CONFIG, d.indexFilterRatio(), false, problems)
            .doubleValue();
    RocksDbMemorySettings settings = new RocksDbMemorySettings(memory, writeBuffer, indexFilter);
    problems.addAll(settings.problems());
    if (!problems.isEmpty()) {
      throw new ConfigException(
          "invalid RocksDB memory bound (traceline.rocksdb.*): " + String.join("; ", problems));
    }
    return settings;
  }

  private static Number number(
      Map<String, ?> configs, String key, Number fallback, boolean whole, List<String> problems) {
    Object value = configs.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number n && (!whole || n instanceof Long || n instanceof Integer)) {
      return n;
    }
    try {
      String text = value.toString().trim();
      if (whole) {
        return Long.valueOf(text);
      }
      return Double.valueOf(text);
    } catch (NumberFormatException e) {
      problems.add(
          key + " must be " + (whole ? "a whole number" : "a number") + ", was '" + value + "'");
      return fallback;
    }
  }
}
