package io.traceline.ingest.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ShardPlanTest {

  private static final ShardInfo A = new ShardInfo("shardId-000000000000", List.of());
  private static final ShardInfo B = new ShardInfo("shardId-000000000001", List.of());
  // A was split into C and D; C and D were merged into E
  private static final ShardInfo C = new ShardInfo("shardId-000000000002", List.of(A.shardId()));
  private static final ShardInfo D = new ShardInfo("shardId-000000000003", List.of(A.shardId()));
  private static final ShardInfo E =
      new ShardInfo("shardId-000000000004", List.of(C.shardId(), D.shardId()));
  private static final List<ShardInfo> ALL = List.of(A, B, C, D, E);

  private static Checkpoint at(String sequence) {
    return new Checkpoint(sequence, false, 1L, "t");
  }

  private static Checkpoint end() {
    return new Checkpoint("9", true, 1L, "t");
  }

  @Test
  void childrenWaitUntilTheirParentsReachedTheirEnd() {
    Map<String, Checkpoint> checkpoints = new HashMap<>();
    assertThat(ShardPlan.readable(ALL, checkpoints, 0, 1)).containsExactly(A, B);

    checkpoints.put(A.shardId(), at("5"));
    assertThat(ShardPlan.readable(ALL, checkpoints, 0, 1)).containsExactly(A, B);

    checkpoints.put(A.shardId(), end());
    assertThat(ShardPlan.readable(ALL, checkpoints, 0, 1)).containsExactly(B, C, D);

    checkpoints.put(C.shardId(), end());
    assertThat(ShardPlan.readable(ALL, checkpoints, 0, 1))
        .as("a merged child waits for both parents")
        .containsExactly(B, D);

    checkpoints.put(D.shardId(), end());
    assertThat(ShardPlan.readable(ALL, checkpoints, 0, 1)).containsExactly(B, E);
  }

  @Test
  void aParentNoLongerListedCountsAsFinished() {
    // after the retention period ListShards no longer returns A
    assertThat(ShardPlan.readable(List.of(B, C, D), Map.of(), 0, 1)).containsExactly(B, C, D);
  }

  @Test
  void everyShardHasExactlyOneOwnerAndTheSplitIsStable() {
    List<ShardInfo> many = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(new ShardInfo(String.format("shardId-%012d", i), List.of()));
    }
    Set<String> seen = new HashSet<>();
    int[] perInstance = new int[3];
    for (int index = 0; index < 3; index++) {
      for (ShardInfo shard : ShardPlan.readable(many, Map.of(), index, 3)) {
        assertThat(seen.add(shard.shardId())).as("owned twice: %s", shard.shardId()).isTrue();
        perInstance[index]++;
      }
    }
    assertThat(seen).hasSize(200);
    for (int n : perInstance) {
      assertThat(n).isBetween(40, 95);
    }
    // the owner depends on the id alone: listing fewer or more shards never moves one
    for (ShardInfo shard : many.subList(0, 20)) {
      int alone = -1;
      for (int index = 0; index < 3; index++) {
        if (!ShardPlan.readable(List.of(shard), Map.of(), index, 3).isEmpty()) {
          alone = index;
        }
      }
      assertThat(alone).isEqualTo(ShardPlan.owner(shard.shardId(), 3));
    }
  }

  @Test
  void aChildOfAnOtherInstancesParentWaitsForThatInstancesCheckpoint() {
    int count = 2;
    int ownerOfA = ShardPlan.owner(A.shardId(), count);
    int ownerOfC = ShardPlan.owner(C.shardId(), count);
    Map<String, Checkpoint> checkpoints = new HashMap<>();
    assertThat(ShardPlan.readable(ALL, checkpoints, ownerOfC, count)).doesNotContain(C);
    checkpoints.put(A.shardId(), end()); // written by instance ownerOfA
    assertThat(ShardPlan.readable(ALL, checkpoints, ownerOfC, count)).contains(C);
    assertThat(ShardPlan.readable(ALL, checkpoints, ownerOfA, count)).doesNotContain(A);
  }

  @Test
  void aChildStartsAtItsBeginningOnlyWhenRecordsOfAParentWereRead() {
    assertThat(ShardPlan.continuesAParent(C, Map.of(A.shardId(), end()))).isTrue();
    assertThat(ShardPlan.continuesAParent(E, Map.of(D.shardId(), at("7")))).isTrue();
    assertThat(ShardPlan.continuesAParent(B, Map.of(A.shardId(), end()))).isFalse();
    assertThat(ShardPlan.continuesAParent(C, Map.of())).as("parent never read").isFalse();
    assertThat(
            ShardPlan.continuesAParent(C, Map.of(A.shardId(), new Checkpoint(null, true, 1L, "t"))))
        .as("parent ended before any record was read (a LATEST start)")
        .isFalse();
  }
}
