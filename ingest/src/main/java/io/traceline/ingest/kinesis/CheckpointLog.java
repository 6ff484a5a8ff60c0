package io.traceline.ingest.kinesis;

import io.traceline.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
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
  private final Admin admin;
  private final String scope;
  private final Map<String, Checkpoint> checkpoints = new HashMap<>();
  private long unreadable;

  /**
   * @param consumer a read_committed consumer; owned and closed here
   * @param admin for the last written offsets (a complete read); not owned
   */
  CheckpointLog(Consumer<byte[], byte[]> consumer, Admin admin, String scope) {
    this.consumer = consumer;
    this.admin = admin;
    this.scope = scope;
  }

  /**
   * Reads what was committed to the topic since the last call.
   *
   * @param timeout how long to try before giving up
   * @param complete read up to the last offset written when the call starts, waiting for the
   *     transactions open then to end (a start or a reload: no committed checkpoint is missed);
   *     otherwise up to the read_committed end, which may trail the latest commits
   * @return the stream's checkpoints by shard id (a view, updated by later calls)
   * @throws TimeoutException when the end was not reached in time (Kafka unavailable, or a
   *     transaction stays open)
   * @throws org.apache.kafka.common.errors.WakeupException after {@link #wakeup}
   */
  Map<String, Checkpoint> refresh(Duration timeout, boolean complete) {
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
    Map<TopicPartition, Long> end =
        complete
            ? lastWritten(consumer.assignment(), timeout)
            // read_committed: the end offsets are the last stable offsets
            : consumer.endOffsets(consumer.assignment(), timeout);
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("checkpoints not read to their end within " + timeout);
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        String shard = Checkpoint.shardOf(record.key(), scope);
        if (shard == null) {
          continue; // another deployment's or stream's
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

  /** The offsets after the last record written, committed or not (read_uncommitted ends). */
  private Map<TopicPartition, Long> lastWritten(Set<TopicPartition> partitions, Duration timeout) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicPartition partition : partitions) {
      latest.put(partition, OffsetSpec.latest());
    }
    try {
      Map<TopicPartition, Long> end = new HashMap<>();
      admin
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((partition, info) -> end.put(partition, info.offset()));
      return end;
    } catch (ExecutionException e) {
      throw new TimeoutException("could not list the checkpoint offsets: " + e.getCause(), e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new TimeoutException("could not list the checkpoint offsets in " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  /** Makes a blocked or the next {@link #refresh} return at once (from any thread). */
  void wakeup() {
    consumer.wakeup();
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
}
