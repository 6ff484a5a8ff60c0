package io.traceline.sink.opensearch;

import java.util.Objects;

/**
 * One document to index: the exact JSON of a Kafka record value, with where it goes and the
 * external version that orders it. Build it with {@link Documents#of}.
 *
 * @param kind what the document is
 * @param index the concrete index it lives in for every revision
 * @param id the document id, the same for every revision
 * @param version the revision: OpenSearch keeps the document with the highest one
 * @param json the record value, one line of UTF-8 JSON (not copied: do not modify)
 */
@SuppressWarnings("ArrayRecordComponent") // the bytes are passed through, never compared
public record Doc(DocKind kind, String index, String id, long version, byte[] json) {
  public Doc {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(json, "json");
    if (version < 1) {
      throw new IllegalArgumentException("version starts at 1: " + version);
    }
  }

  @Override
  public String toString() {
    return kind + " " + index + "/" + id + " v" + version + " (" + json.length + " bytes)";
  }
}
