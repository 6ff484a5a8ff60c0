package io.traceline.ingest.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How far one shard was ingested: the sequence number of the last record whose events are in Kafka,
 * or the shard's end. Lives in the compacted {@link io.traceline.model.Topics#INGEST_CHECKPOINTS}
 * topic under the key {@code scope/shardId} ({@link KinesisSettings#checkpointScope()}: {@code
 * prefix/stream}), written in the same transaction as those events.
 *
 * @param sequenceNumber the last ingested record's sequence number; null when the shard ended
 *     before any record was read
 * @param shardEnd whether the shard was read to its end (a closed parent after a reshard)
 * @param committedAt when it was written, epoch ms
 * @param writer the transactional id that wrote it
 */
record Checkpoint(String sequenceNumber, boolean shardEnd, long committedAt, String writer) {

  private static final ObjectMapper JSON = new ObjectMapper();

  Checkpoint {
    Objects.requireNonNull(writer, "writer");
  }

  /** The record key of a shard's checkpoint. */
  static byte[] key(String scope, String shardId) {
    return (scope + "/" + shardId).getBytes(StandardCharsets.UTF_8);
  }

  /** The shard id in {@code key} when it belongs to {@code scope}, else null. */
  static String shardOf(byte[] key, String scope) {
    if (key == null) {
      return null;
    }
    String text = new String(key, StandardCharsets.UTF_8);
    String prefix = scope + "/";
    return text.startsWith(prefix) ? text.substring(prefix.length()) : null;
  }

  byte[] toJson() {
    ObjectNode node = JSON.createObjectNode();
    if (sequenceNumber != null) {
      node.put("sequenceNumber", sequenceNumber);
    }
    node.put("shardEnd", shardEnd);
    node.put("committedAt", committedAt);
    node.put("writer", writer);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a tree of strings always serialises", e);
    }
  }

  /**
   * Reads a checkpoint value.
   *
   * @throws IllegalArgumentException when the bytes are not a checkpoint
   */
  static Checkpoint fromJson(byte[] value) {
    try {
      JsonNode node = JSON.readTree(value);
      if (node == null || !node.isObject() || !node.path("shardEnd").isBoolean()) {
        throw new IllegalArgumentException("not a checkpoint");
      }
      JsonNode sequence = node.get("sequenceNumber");
      return new Checkpoint(
          sequence == null || sequence.isNull() ? null : sequence.asText(),
          node.get("shardEnd").asBoolean(),
          node.path("committedAt").asLong(),
          node.path("writer").asText(""));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a checkpoint: " + e.getMessage(), e);
    }
  }
}
