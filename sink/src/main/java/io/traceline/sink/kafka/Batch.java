package io.traceline.sink.kafka;

import io.traceline.sink.opensearch.Doc;
import io.traceline.sink.opensearch.DocKind;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one poll and which of them are acknowledged (indexed, stale or dead-lettered), per
 * partition. What may be committed is, per partition, the offset after the longest acknowledged run
 * from the batch's first record: never past a record OpenSearch has not taken. Also the highest
 * revision of each document stored during the batch, which supersedes a lower one still waiting to
 * be sent again. Not thread-safe; used by the poll thread only.
 */
final class Batch {

  private final Map<TopicPartition, TreeMap<Long, Boolean>> partitions = new HashMap<>();
  private final Map<DocKey, Long> stored = new HashMap<>();

  /** A document across its revisions. */
  private record DocKey(DocKind kind, String id) {}

  /** Adds a record, not yet acknowledged. */
  void add(TopicPartition partition, long offset) {
    partitions.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, false);
  }

  /** Marks a record as acknowledged; a record of a dropped partition is ignored. */
  void acknowledge(TopicPartition partition, long offset) {
    TreeMap<Long, Boolean> offsets = partitions.get(partition);
    if (offsets != null) {
      offsets.replace(offset, true);
    }
  }

  /** Whether the partition is still part of this batch. */
  boolean contains(TopicPartition partition) {
    return partitions.containsKey(partition);
  }

  /** Whether every record of the batch is acknowledged. */
  boolean complete() {
    return partitions.values().stream().allMatch(o -> !o.containsValue(false));
  }

  /** The offsets to commit for every partition of the batch. */
  Map<TopicPartition, OffsetAndMetadata> committable() {
    return committable(partitions.keySet());
  }

  /**
   * The offsets to commit for the given partitions: the offset after each one's acknowledged run; a
   * partition whose first record is not acknowledged has nothing to commit.
   */
  Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> which) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (TopicPartition partition : which) {
      TreeMap<Long, Boolean> offsets = partitions.get(partition);
      if (offsets == null) {
        continue;
      }
      Long next = null;
      for (Map.Entry<Long, Boolean> record : offsets.entrySet()) {
        if (!record.getValue()) {
          break;
        }
        next = record.getKey() + 1;
      }
      if (next != null) {
        commits.put(partition, new OffsetAndMetadata(next));
      }
    }
    return commits;
  }

  /** Notes that OpenSearch holds this document at this revision or a newer one. */
  void stored(Doc doc) {
    stored.merge(new DocKey(doc.kind(), doc.id()), doc.version(), Math::max);
  }

  /**
   * Whether a newer revision of this document was stored during the batch. Such a document needs
   * nothing more; sending it again could only harm: if its newer revision moved it into the
   * previous month and removed it here, and the delete's tombstone has expired, it would be stored
   * again beside the newer one.
   */
  boolean superseded(Doc doc) {
    Long newest = stored.get(new DocKey(doc.kind(), doc.id()));
    return newest != null && newest > doc.version();
  }

  /** Forgets the given partitions (revoked: another consumer reads them from the commit). */
  void drop(Collection<TopicPartition> which) {
    which.forEach(partitions::remove);
  }
}
