package io.traceline.ingest.kinesis;

import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * One shard as {@code ListShards} describes it: its id and its parents (none for an original shard,
 * one after a split, two after a merge). Whether it is closed shows when reading it reaches its
 * end.
 */
record ShardInfo(String shardId, List<String> parents) {

  ShardInfo {
    Objects.requireNonNull(shardId, "shardId");
    parents = List.copyOf(parents);
  }

  static ShardInfo of(Shard shard) {
    List<String> parents = new java.util.ArrayList<>(2);
    if (shard.parentShardId() != null) {
      parents.add(shard.parentShardId());
    }
    if (shard.adjacentParentShardId() != null) {
      parents.add(shard.adjacentParentShardId());
    }
    return new ShardInfo(shard.shardId(), parents);
  }
}
