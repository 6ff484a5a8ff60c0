package io.traceline.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes documents to OpenSearch with the official client: installs the index templates, sends a
 * batch as one versioned bulk request and reports each item's outcome, and deletes expired indices.
 *
 * <p>Documents go as the exact bytes of their Kafka record, through the client's generic API: the
 * typed API would parse and re-serialise them. Every write uses {@code version_type=external} with
 * the revision as version, so a replay or an older revision never replaces a newer one. A revision
 * whose start moved into the previous month ({@link Doc#movedFrom()}) is followed, once stored, by
 * a versioned delete of the earlier revision in the next month's index.
 *
 * <p>Thread-safe (the client is). The indexer owns its client and HTTP connections: {@link
 * #close()} releases them.
 */
public final class OpenSearchIndexer implements AutoCloseable {

  private final OpenSearchConnection connection;

  private OpenSearchIndexer(OpenSearchConnection connection) {
    this.connection = connection;
  }

  /**
   * An indexer for the given settings. Connects lazily: a cluster that is down fails the first
   * request, not this call.
   *
   * @throws IllegalArgumentException listing every problem of the settings, or when the trust store
   *     cannot be read
   */
  public static OpenSearchIndexer create(OpenSearchSettings settings) {
    return new OpenSearchIndexer(OpenSearchConnection.open(settings));
  }

  /**
   * Puts the composable index template of every {@link DocKind}; idempotent (a template of the same
   * name is replaced). New indices get the mappings; existing ones keep theirs.
   *
   * @throws OpenSearchUnavailableException when OpenSearch cannot take the request now
   * @throws IllegalStateException when OpenSearch refuses a template
   */
  public void installTemplates() throws OpenSearchUnavailableException {
    for (DocKind kind : DocKind.values()) {
      byte[] template = resource(kind.templateResource());
      connection.json("PUT", "/_index_template/" + kind.alias(), Map.of(), template, 200);
    }
  }

  /**
   * Sends the documents as one bulk request, each with {@code version_type=external} and its
   * revision as version. Then, for the documents stored ({@link Outcome#INDEXED} or {@link
   * Outcome#STALE}) that name a {@link Doc#movedFrom()} index, a second bulk request deletes the
   * same id there with the same external version: only an earlier revision is deleted, and only
   * once this one is stored (a rejected or retryable revision leaves the earlier one readable).
   *
   * @return one result per document, in the order given, with its {@link ItemResult#removal()}
   * @throws OpenSearchUnavailableException when either request as a whole failed: send it all again
   *     later (what was stored answers {@code STALE})
   * @throws IllegalStateException when OpenSearch refuses a request for another reason (e.g. 401,
   *     403): retrying will not help
   */
  public List<ItemResult> index(List<Doc> docs) throws OpenSearchUnavailableException {
    if (docs.isEmpty()) {
      return List.of();
    }
    List<ItemResult> results = new ArrayList<>(docs.size());
    List<Integer> moved = new ArrayList<>();
    for (BulkItem item : bulk(bulkBody(docs), docs.size(), "index")) {
      Doc doc = docs.get(results.size());
      Outcome outcome = Outcome.classify(item.status(), item.type());
      if (doc.movedFrom() != null && (outcome == Outcome.INDEXED || outcome == Outcome.STALE)) {
        moved.add(results.size());
      }
      results.add(new ItemResult(doc, outcome, item.status(), item.reason(), null));
    }
    if (!moved.isEmpty()) {
      List<Doc> removals = moved.stream().map(docs::get).toList();
      List<BulkItem> items = bulk(removalBody(removals), removals.size(), "delete");
      for (int i = 0; i < moved.size(); i++) {
        BulkItem item = items.get(i);
        int at = moved.get(i);
        results.set(
            at,
            results
                .get(at)
                .withRemoval(Removal.classify(item.status(), item.type(), item.reason())));
      }
    }
    return results;
  }

  /** One item of a bulk response. */
  private record BulkItem(int status, String type, String reason) {}

  /** Sends a bulk body of {@code expected} actions of one kind and reads the item of each. */
  private List<BulkItem> bulk(byte[] body, int expected, String action)
      throws OpenSearchUnavailableException {
    JsonNode items = connection.json("POST", "/_bulk", Map.of(), body, 200).path("items");
    if (items.size() != expected) {
      throw new IllegalStateException(
          "bulk response has " + items.size() + " items for " + expected + " " + action + "s");
    }
    List<BulkItem> result = new ArrayList<>(expected);
    for (JsonNode wrapper : items) {
      JsonNode item = wrapper.path(action);
      JsonNode error = item.path("error");
      String type = error.path("type").asText("");
      String reason = error.isMissingNode() ? "" : type + ": " + error.path("reason").asText("");
      result.add(new BulkItem(item.path("status").asInt(), type, reason));
    }
    return result;
  }

  /**
   * Deletes the monthly indices whose whole month ended more than the retention before {@code now}.
   * Retention is done here because the Index State Management plugin is not part of every
   * distribution.
   *
   * @return the names of the deleted indices
   */
  public List<String> deleteExpired(Instant now) throws OpenSearchUnavailableException {
    List<String> existing = new ArrayList<>();
    connection
        .json(
            "GET",
            "/_cat/indices/" + String.join(",", aliasPatterns()),
            Map.of("format", "json", "h", "index"),
            null,
            200)
        .forEach(row -> existing.add(row.path("index").asText()));
    List<String> expired = Retention.expired(existing, now, connection.settings().retention());
    for (String index : expired) {
      connection.json("DELETE", "/" + index, Map.of(), null, 200, 404);
    }
    return expired;
  }

  private static List<String> aliasPatterns() {
    List<String> patterns = new ArrayList<>();
    for (DocKind kind : DocKind.values()) {
      patterns.add(kind.alias() + "-*");
    }
    return patterns;
  }

  /** The newline-delimited bulk body: an action line and the document's own bytes, per document. */
  static byte[] bulkBody(List<Doc> docs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Doc doc : docs) {
      writeAction(out, "index", doc.index(), doc);
      out.write(doc.json(), 0, doc.json().length);
      out.write('\n');
    }
    return out.toByteArray();
  }

  /**
   * The bulk body that deletes each document's id, up to its version, from its {@link
   * Doc#movedFrom()} index: with {@code version_type=external} a delete succeeds only over a lower
   * version, so a newer document there is left alone (409).
   */
  static byte[] removalBody(List<Doc> docs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Doc doc : docs) {
      writeAction(out, "delete", doc.movedFrom(), doc);
    }
    return out.toByteArray();
  }

  private static void writeAction(ByteArrayOutputStream out, String action, String index, Doc doc) {
    Map<String, Object> target =
        Map.of(
            "_index", index, "_id", doc.id(), "version", doc.version(), "version_type", "external");
    try {
      out.write(Json.MAPPER.writeValueAsBytes(Map.of(action, target)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpenSearchIndexer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
