/**
 * RocksDB's native memory bounded for every store of the JVM: the budget ({@link
 * io.traceline.correlator.rocksdb.RocksDbMemorySettings}) and Kafka Streams' config setter that
 * applies it ({@link io.traceline.correlator.rocksdb.BoundedRocksDbMemory}).
 */
package io.traceline.correlator.rocksdb;
