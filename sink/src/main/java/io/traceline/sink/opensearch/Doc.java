package io.traceline.sink.opensearch;

import java.util.Objects;

/**
 * One document to index: the exact JSON of a Kafka record value, with where it goes and the
 * external version that orders it. Build it with {@link Documents#of}.
 *
 * @param kind what the document is
 * @param index the monthly index it goes to: the month of its start (or minute)
 * @param id the document id, the same for every revision
 * @param version the revision: OpenSearch keeps the document with the highest one
 * @param json the record value, one line of UTF-8 JSON (not copied: do not modify)
 * @param movedFrom for a revision above 1 of a timeline or alert whose start lies within {@link
 *     Documents#MOVE_WINDOW} before its month's end, the next month's index, where an earlier
 *     revision that started after the month's end may be: once this revision is stored, the indexer
 *     deletes the document there up to this version. Null otherwise.
 */
@SuppressWarnings("ArrayRecordComponent") // the bytes are passed through, never compared
public record Doc(
    DocKind kind, String index, String id, long version, byte[] json, String movedFrom) {
  public Doc {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(json, "json");
    if (version < 1) {
      throw new IllegalArgumentException("version starts at 1: " + version);
    }
    if (index.equals(movedFrom)) {
      throw new IllegalArgumentException("movedFrom is another index than " + index);
    }
  }

  @Override
  public String toString() {
    return kind
        + " "
        + index
        + "/"
        + id
        + " v"
        + version
        + (movedFrom == null ? "" : " (moved from " + movedFrom + ")")
        + " ("
        + json.length
        + " bytes)";
  }
}
