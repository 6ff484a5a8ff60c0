package io.traceline.ingest.kinesis;

/**
 * Where a shard without a checkpoint starts. A shard whose parent was read by Traceline always
 * starts at its beginning, whatever this says, so a reshard loses nothing.
 */
public enum StartPosition {
  /** The oldest record the stream still holds (its retention, 24 h by default). */
  TRIM_HORIZON,
  /** Only records written after the reader started. */
  LATEST,
  /** The first record at or after {@link KinesisSettings#startTimestamp()}. */
  AT_TIMESTAMP
}
