package io.traceline.correlator.rocksdb;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the native memory of every RocksDB store of the JVM by one budget: Kafka Streams' {@code
 * rocksdb.config.setter}, set with its sizes by {@link RocksDbMemorySettings#streamsProperties()}.
 *
 * <p>Each store is given the same LRU block cache of the budget's size, caches its index and filter
 * blocks in it with high priority (in a pool of {@code indexFilterRatio} of the cache that data
 * blocks cannot evict; the top level of a partitioned index or filter stays pinned), and charges
 * its memtables to the cache through the same write buffer manager, which flushes the stores'
 * memtables once together they reach {@code writeBufferRatio} of the budget. Block cache,
 * memtables, index and filter blocks, the three large users of RocksDB's memory, are then one
 * bound. The rest of each store's options stay Kafka Streams' own (the table format with its 4 KiB
 * blocks and Bloom filter, compression, compaction style, the size and number of memtables of one
 * store).
 *
 * <p>Sharing: the cache and the write buffer manager are shared by every open store whose Streams
 * properties give the same sizes, in every Kafka Streams instance of the JVM: two instances
 * configured alike share one budget. Instances configured with different sizes each get a budget of
 * their own, and the JVM's RocksDB memory is then bounded by their sum (logged as a warning).
 * {@code traceline.rocksdb.memory.bytes} 0 leaves the stores unbounded, with Kafka Streams'
 * defaults.
 *
 * <p>Ownership: the shared cache and write buffer manager are counted by the stores that use them
 * and closed when the last of them closes (a store opened later gets new ones); a store's {@link
 * #close} never closes them while another store uses them. A RocksDB database holds its own
 * reference to both until it is closed, so closing them here frees nothing that an open database
 * still uses. A store that Kafka Streams never closes (its database failed to open) keeps its
 * budget open: at most one budget per distinct sizes stays allocated. This class creates no other
 * native object: the {@code Options}, the table format, its Bloom filter and the per-store cache
 * that Kafka Streams created and replaced here are Kafka Streams' to close.
 *
 * <p>Kafka Streams creates one instance per store (by class, through the public no-argument
 * constructor) and calls it from that store's stream thread; the shared state is guarded by a lock
 * for stores that open and close on several threads at once.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedRocksDbMemory.class);

  /** The budgets in use, by their settings; guarded by itself. */
  private static final Map<RocksDbMemorySettings, SharedMemory> SHARED = new HashMap<>();

  /** The budget this store holds, or null. */
  private SharedMemory shared;

  /** Called by Kafka Streams, once per store. */
  public BoundedRocksDbMemory() {}

  /**
   * Gives the store the shared cache and write buffer manager of the sizes in {@code configs}.
   *
   * @throws org.apache.kafka.common.config.ConfigException when a size is not a number or is out of
   *     range (see {@link RocksDbMemorySettings#problems()})
   */
  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    RocksDbMemorySettings settings = RocksDbMemorySettings.fromStreamsConfig(configs);
    release();
    if (!settings.bounded()) {
      return;
    }
    if (!(options.tableFormatConfig() instanceof BlockBasedTableConfig table)) {
      throw new IllegalStateException(
          "store "
              + storeName
              + " has no block-based table format ("
              + options.tableFormatConfig()
              + "); its memory cannot be bounded");
    }
    SharedMemory memory = acquire(settings, storeName);
    shared = memory;
    table.setBlockCache(memory.cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(memory.writeBufferManager);
  }

  /** Lets go of the shared budget; closes it when this was the last store that used it. */
  @Override
  public void close(String storeName, Options options) {
    release();
  }

  private void release() {
    if (shared != null) {
      release(shared);
      shared = null;
    }
  }

  private static SharedMemory acquire(RocksDbMemorySettings settings, String storeName) {
    synchronized (SHARED) {
      SharedMemory memory = SHARED.get(settings);
      if (memory == null) {
        memory = new SharedMemory(settings);
        SHARED.put(settings, memory);
        LOG.info(
            "RocksDB stores bounded to {} (memtables up to {}, {} kept for index and filter"
                + " blocks), first opened by {}",
            mib(settings.memoryBytes()),
            mib(settings.writeBufferBytes()),
            mib((long) (settings.memoryBytes() * settings.indexFilterRatio())),
            storeName);
        if (SHARED.size() > 1) {
          LOG.warn(
              "{} RocksDB memory budgets of different sizes are in use in this JVM ({}): their sum"
                  + " bounds its RocksDB memory",
              SHARED.size(),
              SHARED.keySet());
        }
      }
      memory.stores++;
      return memory;
    }
  }

  private static void release(SharedMemory memory) {
    synchronized (SHARED) {
      memory.stores--;
      if (memory.stores == 0) {
        SHARED.remove(memory.settings, memory);
        memory.close();
      }
    }
  }

  /** The stores holding the budget of {@code settings} (0 when none does); for tests. */
  static int openStores(RocksDbMemorySettings settings) {
    synchronized (SHARED) {
      SharedMemory memory = SHARED.get(settings);
      return memory == null ? 0 : memory.stores;
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }

  /** One budget: its cache, its write buffer manager and the open stores that use them. */
  private static final class SharedMemory {
    final RocksDbMemorySettings settings;
    final Cache cache;
    final WriteBufferManager writeBufferManager;
    int stores;

    SharedMemory(RocksDbMemorySettings settings) {
      this.settings = settings;
      // Not a strict limit: RocksDB cannot honour one while memtables are charged to the cache.
      this.cache = new LRUCache(settings.memoryBytes(), -1, false, settings.indexFilterRatio());
      this.writeBufferManager = new WriteBufferManager(settings.writeBufferBytes(), cache);
    }

    void close() {
      writeBufferManager.close();
      cache.close();
    }
  }
}
