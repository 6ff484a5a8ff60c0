package io.traceline.ingest.kinesis;

import io.traceline.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream's checkpoints as the compacted checkpoint topic holds them, read with a {@code
 * read_committed} consumer (so only checkpoints whose events were committed with them count), from
 * the beginning once and then incrementally. Holds every instance's checkpoints, which is how an
 * instance learns that another one finished a parent shard.
 *
 * <p>Owns its consumer. Confined to the reader thread.
 */
final class CheckpointLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointLog.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Consumer<byte[], byte[]> consumer;
  private final String stream;
  private final Map<String, Checkpoint> checkpoints = new HashMap<>();
  private long unreadable;

  CheckpointLog(Consumer<byte[], byte[]> consumer, String stream) {
    this.consumer = consumer;
    this.stream = stream;
  }

  /**
   * Reads everything committed to the topic since the last call, up to its current end.
   *
   * @param timeout how long to try before giving up
   * @return the stream's checkpoints by shard id (a view, updated by later calls)
   * @throws TimeoutException when the end was not reached in time (Kafka unavailable)
   */
  Map<String, Checkpoint> refresh(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (consumer.assignment().isEmpty()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(Topics.INGEST_CHECKPOINTS, timeout)) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
      if (partitions.isEmpty()) {
        throw new TimeoutException("topic " + Topics.INGEST_CHECKPOINTS + " has no partitions");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }
    // read_committed: the end offsets are the last stable offsets
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("checkpoints not read to their end within " + timeout);
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        String shard = Checkpoint.shardOf(record.key(), stream);
        if (shard == null) {
          continue; // another stream's
        }
        if (record.value() == null) {
          checkpoints.remove(shard); // deleted by an operator: start again as configured
          continue;
        }
        try {
          checkpoints.put(shard, Checkpoint.fromJson(record.value()));
        } catch (IllegalArgumentException e) {
          unreadable++;
          LOG.warn("skipping an unreadable checkpoint of shard {}: {}", shard, e.getMessage());
        }
      }
    }
    return checkpoints;
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
      if (consumer.position(entry.getKey()) < entry.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Checkpoint records that could not be read (skipped) since this log was created. */
  long unreadable() {
    return unreadable;
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }

  /** The checkpoints read so far (read-only copy). */
  Map<String, Checkpoint> snapshot() {
    return Map.copyOf(checkpoints);
  }
}
