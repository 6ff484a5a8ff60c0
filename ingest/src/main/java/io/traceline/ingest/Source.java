package io.traceline.ingest;

import java.util.Objects;

/**
 * Where a record came from; copied into dead-letter headers so it can be found again. Immutable.
 *
 * @param source the Kinesis stream name, a file path, a replay topic...
 * @param shard the Kinesis shard id, or null when not read from Kinesis
 * @param sequence the Kinesis sequence number, or the record's position in a file; may be null
 */
public record Source(String source, String shard, String sequence) {
  public Source {
    Objects.requireNonNull(source, "source");
  }
}
