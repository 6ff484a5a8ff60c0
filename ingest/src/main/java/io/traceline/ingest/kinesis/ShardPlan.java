package io.traceline.ingest.kinesis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * Which shards an instance reads, and where a shard starts. Pure.
 *
 * <ul>
 *   <li><b>Ownership</b>: shard {@code s} belongs to instance {@code murmur2(s) mod count}. The
 *       rule needs no coordination and does not change when shards come and go, so two instances
 *       started with the same count never read the same shard, and a shard's owner after a restart
 *       is its owner before it.
 *   <li><b>Lineage</b>: a shard is readable when it is not finished (no {@code SHARD_END}
 *       checkpoint) and each of its parents is finished or no longer listed (trimmed after the
 *       retention period). A child therefore starts only after its parents were read to their end,
 *       also when another instance owns a parent, so records of one partition key stay in order
 *       across a reshard.
 *   <li><b>Start</b>: a shard with a checkpoint continues after it; a shard of whose parents
 *       records were read starts at its trim horizon (its records follow the parent's); any other
 *       shard starts at the configured position.
 * </ul>
 */
final class ShardPlan {

  private ShardPlan() {}

  /** The instance ({@code 0 <= i < count}) that owns {@code shardId}. */
  static int owner(String shardId, int count) {
    return Utils.toPositive(Utils.murmur2(shardId.getBytes(StandardCharsets.UTF_8))) % count;
  }

  /**
   * The shards instance {@code index} of {@code count} should read now, in the order listed.
   *
   * @param shards every shard ListShards returned
   * @param checkpoints the stream's checkpoints by shard id (any instance's)
   */
  static List<ShardInfo> readable(
      List<ShardInfo> shards, Map<String, Checkpoint> checkpoints, int index, int count) {
    Set<String> listed = new HashSet<>();
    for (ShardInfo shard : shards) {
      listed.add(shard.shardId());
    }
    List<ShardInfo> readable = new ArrayList<>();
    for (ShardInfo shard : shards) {
      if (owner(shard.shardId(), count) != index || finished(shard.shardId(), checkpoints)) {
        continue;
      }
      boolean parentsDone = true;
      for (String parent : shard.parents()) {
        if (listed.contains(parent) && !finished(parent, checkpoints)) {
          parentsDone = false;
        }
      }
      if (parentsDone) {
        readable.add(shard);
      }
    }
    return readable;
  }

  /**
   * Whether a shard without a checkpoint starts at its trim horizon rather than the configured
   * position: when Traceline read records of one of its parents, the child's records continue them.
   * A parent that was never read (a LATEST or AT_TIMESTAMP start after the reshard) gives the child
   * the configured position, so a new deployment does not ingest a day of backlog.
   */
  static boolean continuesAParent(ShardInfo shard, Map<String, Checkpoint> checkpoints) {
    for (String parent : shard.parents()) {
      Checkpoint checkpoint = checkpoints.get(parent);
      if (checkpoint != null && checkpoint.sequenceNumber() != null) {
        return true;
      }
    }
    return false;
  }

  private static boolean finished(String shardId, Map<String, Checkpoint> checkpoints) {
    Checkpoint checkpoint = checkpoints.get(shardId);
    return checkpoint != null && checkpoint.shardEnd();
  }
}
