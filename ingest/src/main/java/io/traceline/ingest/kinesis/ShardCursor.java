package io.traceline.ingest.kinesis;

/**
 * The reader's position in one shard: the last committed sequence number, the current shard
 * iterator (null when one must be requested, e.g. after it expired or a transaction failed), when
 * the shard may be read next, and its backoff. Confined to the reader thread.
 */
final class ShardCursor {

  final ShardInfo shard;
  final boolean continuesAParent;

  /** The last sequence number whose events are committed; null before the first. */
  volatile String committedSequence;

  /** The iterator for the next GetRecords; null when one must be requested. */
  String iterator;

  /** Earliest next read, epoch ms. */
  long nextReadAt;

  /** Consecutive failed attempts (throttling, errors), for the backoff. */
  int failures;

  /** The last GetRecords' {@code MillisBehindLatest}; -1 before the first. */
  volatile long millisBehindLatest = -1;

  /** When the checkpoint was last written or found current (a read at the tip), epoch ms. */
  volatile long checkpointConfirmedAt;

  ShardCursor(ShardInfo shard, boolean continuesAParent, Checkpoint checkpoint, long now) {
    this.shard = shard;
    this.continuesAParent = continuesAParent;
    this.committedSequence = checkpoint == null ? null : checkpoint.sequenceNumber();
    this.checkpointConfirmedAt = checkpoint == null ? now : checkpoint.committedAt();
    this.nextReadAt = now;
  }

  String shardId() {
    return shard.shardId();
  }

  /** Back to the last committed position: the uncommitted records are read again. */
  void rewind() {
    iterator = null;
  }
}
