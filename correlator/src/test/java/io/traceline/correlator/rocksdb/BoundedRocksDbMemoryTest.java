package io.traceline.correlator.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.CorrelatorTopology;
import io.traceline.correlator.Events;
import io.traceline.model.Json;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The bounded-memory config setter: on options as Kafka Streams hands them over, on real RocksDB
 * databases (whose properties show the cache's capacity and the memtables charged to it), and under
 * the correlator's topology on {@code TopologyTestDriver}, which opens real RocksDB stores.
 */
@Timeout(60)
class BoundedRocksDbMemoryTest {

  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** A table format that remembers the cache it was given (RocksDB's Java API has no getter). */
  private static final class RecordingTableConfig extends BlockBasedTableConfig {
    Cache cache;

    @Override
    public BlockBasedTableConfig setBlockCache(Cache blockCache) {
      this.cache = blockCache;
      return super.setBlockCache(blockCache);
    }
  }

  /** Options as Kafka Streams prepares them before it calls the setter: a block-based table. */
  private Options storeOptions() {
    Options options = new Options().setCreateIfMissing(true);
    options.setTableFormatConfig(new RecordingTableConfig());
    toClose.add(options);
    return options;
  }

  /** A setter applied to new options as Kafka Streams applies it when it opens a store. */
  private Options configured(String store, Map<String, Object> configs) {
    Options options = storeOptions();
    BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
    setter.setConfig(store, options, configs);
    toClose.add(() -> setter.close(store, options));
    return options;
  }

  private static RecordingTableConfig table(Options options) {
    return (RecordingTableConfig) options.tableFormatConfig();
  }

  private static Map<String, Object> configs(RocksDbMemorySettings settings) {
    Map<String, Object> configs = new HashMap<>(settings.streamsProperties());
    configs.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    return configs;
  }

  @Test
  void everyStoreGetsTheOneCacheAndWriteBufferManagerWithIndexAndFiltersInTheCache() {
    RocksDbMemorySettings settings = new RocksDbMemorySettings(32 * MIB, 0.25, 0.2);
    Options events = configured("trace-events", configs(settings));
    // Another Streams instance with the same sizes: its own config map, the same budget.
    Options meta = configured("trace-meta", new HashMap<>(configs(settings)));

    assertThat(table(events).cache).isNotNull().isSameAs(table(meta).cache);
    assertThat(events.writeBufferManager()).isNotNull().isSameAs(meta.writeBufferManager());
    for (Options options : List.of(events, meta)) {
      BlockBasedTableConfig table = table(options);
      assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
      assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
    }
    assertThat(BoundedRocksDbMemory.openStores(settings)).isEqualTo(2);
  }

  @Test
  void theSharedBudgetIsClosedWithTheLastStoreAndMadeAgainForTheNext() {
    RocksDbMemorySettings settings = new RocksDbMemorySettings(24 * MIB, 0.5, 0.1);
    Map<String, Object> configs = configs(settings);
    Options first = storeOptions();
    Options second = storeOptions();
    BoundedRocksDbMemory a = new BoundedRocksDbMemory();
    BoundedRocksDbMemory b = new BoundedRocksDbMemory();
    a.setConfig("a", first, configs);
    b.setConfig("b", second, configs);

    a.close("a", first);
    assertThat(BoundedRocksDbMemory.openStores(settings)).isEqualTo(1);
    a.close("a", first); // a second close changes nothing
    assertThat(BoundedRocksDbMemory.openStores(settings)).isEqualTo(1);
    b.close("b", second);
    assertThat(BoundedRocksDbMemory.openStores(settings)).isZero();

    Options later = configured("c", configs);
    assertThat(table(later).cache).isNotNull().isNotSameAs(table(first).cache);
    assertThat(BoundedRocksDbMemory.openStores(settings)).isEqualTo(1);
  }

  @Test
  void differentSizesInOneJvmGetBudgetsOfTheirOwn() {
    RocksDbMemorySettings small = new RocksDbMemorySettings(20 * MIB, 0.5, 0.1);
    RocksDbMemorySettings large = new RocksDbMemorySettings(40 * MIB, 0.5, 0.1);
    Options one = configured("trace-events", configs(small));
    Options other = configured("trace-events", configs(large));

    assertThat(table(one).cache).isNotSameAs(table(other).cache);
    assertThat(one.writeBufferManager()).isNotSameAs(other.writeBufferManager());
    assertThat(BoundedRocksDbMemory.openStores(small)).isEqualTo(1);
    assertThat(BoundedRocksDbMemory.openStores(large)).isEqualTo(1);
  }

  @Test
  void noBudgetLeavesKafkaStreamsDefaults() {
    Options options = configured("trace-events", configs(new RocksDbMemorySettings(0, 0.5, 0.1)));

    assertThat(table(options).cache).isNull();
    assertThat(options.writeBufferManager()).isNull();
    assertThat(table(options).cacheIndexAndFilterBlocks()).isFalse();
  }

  @Test
  void theSizesReachRocksDbAndTheMemtablesAreChargedToTheSharedCache() throws Exception {
    RocksDbMemorySettings settings = new RocksDbMemorySettings(64 * MIB, 0.25, 0.1);
    Options written = configured("written", configs(settings));
    Options idle = configured("idle", configs(settings));
    RocksDB one = open(written, "written");
    RocksDB other = open(idle, "idle");

    assertThat(one.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(64 * MIB);
    assertThat(other.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(64 * MIB);
    // 48 MiB into one store, whose own memtable could take 64 MiB: the shared manager flushes it
    // at its 16 MiB.
    byte[] value = new byte[4096];
    try (WriteOptions noWal = new WriteOptions().setDisableWAL(true)) {
      for (int i = 0; i < 12 * 1024; i++) {
        value[0] = (byte) i;
        one.put(noWal, String.format("key-%08d", i).getBytes(StandardCharsets.UTF_8), value);
      }
    }
    awaitNoFlushRunning(one);
    assertThat(Long.parseLong(one.getProperty("rocksdb.num-files-at-level0")))
        .as("files flushed from memtables that never reached their own size")
        .isPositive();
    long memtables = one.getLongProperty("rocksdb.size-all-mem-tables");
    // The manager switches the memtable once it passes its size; until the switched one is
    // written out both count, so the bound is loose (twice the size), yet far below the 48 MiB
    // written and the 64 MiB a store's own memtable allows.
    assertThat(memtables).isPositive().isLessThan(2 * settings.writeBufferBytes());
    // The idle store reports the same cache, holding what the other store's memtables reserved.
    assertThat(other.getLongProperty("rocksdb.block-cache-usage"))
        .isEqualTo(one.getLongProperty("rocksdb.block-cache-usage"))
        .isGreaterThanOrEqualTo(memtables);
  }

  private RocksDB open(Options options, String name) throws RocksDBException {
    RocksDB db = RocksDB.open(options, dir.resolve(name).toString());
    // Closed before the setter lets go of the budget and before the options are closed.
    toClose.add(db);
    return db;
  }

  private static void awaitNoFlushRunning(RocksDB db) throws RocksDBException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while ((db.getLongProperty("rocksdb.num-running-flushes") > 0
            || db.getLongProperty("rocksdb.mem-table-flush-pending") > 0)
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  @Test
  void nonsenseIsRejectedWithEveryProblemAndTakesNoBudget() {
    Map<String, Object> configs = new HashMap<>();
    configs.put(RocksDbMemorySettings.MEMORY_BYTES_CONFIG, "lots");
    configs.put(RocksDbMemorySettings.WRITE_BUFFER_RATIO_CONFIG, 1.5);
    configs.put(RocksDbMemorySettings.INDEX_FILTER_RATIO_CONFIG, "-0.1");
    Options options = storeOptions();

    assertThatThrownBy(() -> new BoundedRocksDbMemory().setConfig("s", options, configs))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("traceline.rocksdb.memory.bytes must be a whole number, was 'lots'")
        .hasMessageContaining("writeBufferRatio must be above 0 and below 1, was 1.5")
        .hasMessageContaining("indexFilterRatio must be at least 0 and below 1, was -0.1");
    assertThat(options.writeBufferManager()).isNull();
    assertThat(table(options).cache).isNull();
  }

  @Test
  void theSettingsListEveryProblem() {
    assertThat(RocksDbMemorySettings.defaults().problems()).isEmpty();
    assertThat(RocksDbMemorySettings.defaults().memoryBytes()).isEqualTo(256 * MIB);
    assertThat(new RocksDbMemorySettings(0, 0.5, 0.1).problems()).isEmpty();
    assertThat(new RocksDbMemorySettings(MIB, 0, 1).problems())
        .containsExactly(
            "memoryBytes must be 0 (no bound) or from 16777216 (16 MiB) to 1099511627776 (1 TiB),"
                + " was 1048576",
            "writeBufferRatio must be above 0 and below 1, was 0.0",
            "indexFilterRatio must be at least 0 and below 1, was 1.0");
    assertThat(new RocksDbMemorySettings(2L << 40, Double.NaN, 0.1).problems()).hasSize(2);
    assertThat(new RocksDbMemorySettings(64 * MIB, 0.7, 0.3).problems())
        .singleElement()
        .asString()
        .contains("their sum must be below 1");
  }

  @Test
  void propertiesAsTextAreReadAndMissingOnesTakeTheirDefault() {
    RocksDbMemorySettings read =
        RocksDbMemorySettings.fromStreamsConfig(
            Map.of(
                RocksDbMemorySettings.MEMORY_BYTES_CONFIG, " 67108864 ",
                RocksDbMemorySettings.WRITE_BUFFER_RATIO_CONFIG, "0.3"));

    assertThat(read).isEqualTo(new RocksDbMemorySettings(64 * MIB, 0.3, 0.1));
    assertThat(RocksDbMemorySettings.fromStreamsConfig(Map.of()))
        .isEqualTo(RocksDbMemorySettings.defaults());
    assertThat(RocksDbMemorySettings.fromStreamsConfig(configs(read))).isEqualTo(read);
  }

  @Test
  void theCorrelatorsStoresOpenWithTheBoundAndLetItGoWhenClosed() {
    RocksDbMemorySettings settings = new RocksDbMemorySettings(48 * MIB, 0.5, 0.1);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
    props.putAll(settings.streamsProperties());
    CorrelatorSettings correlator =
        CorrelatorSettings.builder().inactivityGap(Duration.ofSeconds(5)).build();
    long t0 = 1_763_111_554_000L;
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            CorrelatorTopology.build(correlator, new SimpleMeterRegistry()),
            props,
            Instant.ofEpochMilli(t0 + 10_000))) {
      // Every persistent store of the topology: 4 of the traces, 4 of the stitcher, 1 of the edges.
      assertThat(BoundedRocksDbMemory.openStores(settings)).isEqualTo(9);
      TestInputTopic<String, byte[]> events =
          driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<String, byte[]> timelines =
          driver.createOutputTopic(
              Topics.TIMELINES, new StringDeserializer(), new ByteArrayDeserializer());
      Events.slowQueryRequest(Events.TRACE, t0)
          .forEach(e -> events.pipeInput(e.traceId(), Json.writeEvent(e), e.timestamp()));
      driver.advanceWallClockTime(Duration.ofSeconds(10));

      assertThat(timelines.readValuesToList())
          .singleElement()
          .extracting(v -> Json.readTimeline(v).eventCount())
          .isEqualTo(8);
    }
    assertThat(BoundedRocksDbMemory.openStores(settings)).isZero();
  }
}
