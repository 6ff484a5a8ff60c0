package io.traceline.ingest.kinesis;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link KinesisIngest} reads one Kinesis stream. Immutable; {@link #problems()} lists every
 * invalid value at once (the app refuses to start with them).
 *
 * @param stream the stream's name
 * @param startPosition where a shard without a checkpoint starts (default {@code TRIM_HORIZON})
 * @param startTimestamp with {@code AT_TIMESTAMP}: the instant to start at; null otherwise
 * @param instanceIndex this instance's number, {@code 0 <= index < count}; it owns the shards whose
 *     id hashes to it, and its transactional id ends with it
 * @param instanceCount how many instances share the stream (default 1); every instance must be
 *     started with the same count
 * @param transactionalIdPrefix the Kafka transactional id is {@code prefix-stream-index} (default
 *     {@code traceline-ingest}); a replacement with the same id fences the instance it replaces
 * @param maxRecordsPerRead {@code Limit} of one GetRecords call, 1..10000 (default 10000)
 * @param readsPerSecondPerShard GetRecords calls per shard and second, at most Kinesis's 5 (default
 *     5)
 * @param bytesPerSecondPerShard bytes read per shard and second, at most Kinesis's 2 MiB (default 2
 *     MiB): after a large read the shard waits until its budget allows the next one
 * @param idleInterval wait before reading a shard again after a read that returned nothing and was
 *     at the tip (default 1 s)
 * @param shardSyncInterval how often the shard list and the other instances' checkpoints are
 *     refreshed (default 30 s; at once after a shard ends)
 * @param retryBase first backoff after throttling or a failure, before full jitter (default 200 ms)
 * @param retryCap longest backoff (default 20 s)
 */
public record KinesisSettings(
    @JsonProperty(required = true) String stream,
    StartPosition startPosition,
    Instant startTimestamp,
    int instanceIndex,
    int instanceCount,
    String transactionalIdPrefix,
    int maxRecordsPerRead,
    int readsPerSecondPerShard,
    long bytesPerSecondPerShard,
    Duration idleInterval,
    Duration shardSyncInterval,
    Duration retryBase,
    Duration retryCap) {

  /** Kinesis's limit on GetRecords calls per shard and second. */
  public static final int KINESIS_READS_PER_SECOND = 5;

  /** Kinesis's limit on bytes read per shard and second. */
  public static final long KINESIS_BYTES_PER_SECOND = 2L * 1024 * 1024;

  /** Kinesis's limit on records per GetRecords call. */
  public static final int KINESIS_MAX_RECORDS = 10_000;

  /**
   * Every default; {@code stream} has none (null: {@link #problems()} says it is required), so that
   * a configuration file can start from here.
   */
  public static KinesisSettings defaults() {
    return defaults(null);
  }

  /** The defaults for {@code stream}: one instance, from the trim horizon, at Kinesis's limits. */
  public static KinesisSettings defaults(String stream) {
    return new KinesisSettings(
        stream,
        StartPosition.TRIM_HORIZON,
        null,
        0,
        1,
        "traceline-ingest",
        KINESIS_MAX_RECORDS,
        KINESIS_READS_PER_SECOND,
        KINESIS_BYTES_PER_SECOND,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofMillis(200),
        Duration.ofSeconds(20));
  }

  /** A copy with another instance index and count. */
  public KinesisSettings withInstance(int index, int count) {
    return new KinesisSettings(
        stream,
        startPosition,
        startTimestamp,
        index,
        count,
        transactionalIdPrefix,
        maxRecordsPerRead,
        readsPerSecondPerShard,
        bytesPerSecondPerShard,
        idleInterval,
        shardSyncInterval,
        retryBase,
        retryCap);
  }

  /** A copy with another start position (and timestamp, for {@code AT_TIMESTAMP}). */
  public KinesisSettings withStart(StartPosition position, Instant timestamp) {
    return new KinesisSettings(
        stream,
        position,
        timestamp,
        instanceIndex,
        instanceCount,
        transactionalIdPrefix,
        maxRecordsPerRead,
        readsPerSecondPerShard,
        bytesPerSecondPerShard,
        idleInterval,
        shardSyncInterval,
        retryBase,
        retryCap);
  }

  /** A copy with other pacing (tests use short intervals). */
  public KinesisSettings withPacing(
      Duration idleInterval, Duration shardSyncInterval, Duration retryBase, Duration retryCap) {
    return new KinesisSettings(
        stream,
        startPosition,
        startTimestamp,
        instanceIndex,
        instanceCount,
        transactionalIdPrefix,
        maxRecordsPerRead,
        readsPerSecondPerShard,
        bytesPerSecondPerShard,
        idleInterval,
        shardSyncInterval,
        retryBase,
        retryCap);
  }

  /**
   * What the checkpoints of this deployment are keyed under, {@code prefix/stream}: deployments
   * with different prefixes never read each other's checkpoints, even for streams of the same name
   * in other regions or accounts.
   */
  public String checkpointScope() {
    return transactionalIdPrefix + "/" + stream;
  }

  /** This instance's Kafka transactional id: {@code prefix-stream-index}. */
  public String transactionalId() {
    return transactionalIdPrefix + "-" + stream + "-" + instanceIndex;
  }

  /** Every invalid value, one message each; empty when the settings are usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (stream == null) {
      problems.add("stream is required");
    } else if (!stream.matches("[a-zA-Z0-9_.-]{1,128}")) {
      problems.add(
          "stream must be a Kinesis stream name (1-128 of a-z A-Z 0-9 _ . -), was '"
              + stream
              + "'");
    }
    if (startPosition == StartPosition.AT_TIMESTAMP && startTimestamp == null) {
      problems.add("startTimestamp is required with startPosition AT_TIMESTAMP");
    }
    if (startPosition != StartPosition.AT_TIMESTAMP && startTimestamp != null) {
      problems.add("startTimestamp is only used with startPosition AT_TIMESTAMP");
    }
    if (instanceCount < 1) {
      problems.add("instanceCount must be at least 1, was " + instanceCount);
    }
    if (instanceIndex < 0 || instanceIndex >= Math.max(1, instanceCount)) {
      problems.add(
          "instanceIndex must be in [0, instanceCount), was "
              + instanceIndex
              + " of "
              + instanceCount);
    }
    if (startPosition == null) {
      problems.add("startPosition must be TRIM_HORIZON, LATEST or AT_TIMESTAMP");
    }
    if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
      problems.add("transactionalIdPrefix must not be blank");
    }
    if (maxRecordsPerRead < 1 || maxRecordsPerRead > KINESIS_MAX_RECORDS) {
      problems.add(
          "maxRecordsPerRead must be in [1, "
              + KINESIS_MAX_RECORDS
              + "], was "
              + maxRecordsPerRead);
    }
    if (readsPerSecondPerShard < 1 || readsPerSecondPerShard > KINESIS_READS_PER_SECOND) {
      problems.add(
          "readsPerSecondPerShard must be in [1, "
              + KINESIS_READS_PER_SECOND
              + "], was "
              + readsPerSecondPerShard);
    }
    if (bytesPerSecondPerShard < 1 || bytesPerSecondPerShard > KINESIS_BYTES_PER_SECOND) {
      problems.add(
          "bytesPerSecondPerShard must be in [1, "
              + KINESIS_BYTES_PER_SECOND
              + "], was "
              + bytesPerSecondPerShard);
    }
    positive(problems, "idleInterval", idleInterval);
    positive(problems, "shardSyncInterval", shardSyncInterval);
    positive(problems, "retryBase", retryBase);
    positive(problems, "retryCap", retryCap);
    if (retryCap != null && retryBase != null && retryCap.compareTo(retryBase) < 0) {
      problems.add("retryCap must not be shorter than retryBase");
    }
    return problems;
  }

  private static void positive(List<String> problems, String name, Duration value) {
    if (value == null) {
      problems.add(name + " must be set");
    } else if (value.isNegative() || value.isZero()) {
      problems.add(name + " must be positive, was " + value);
    }
  }
}
