package io.traceline.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.model.Json;
import io.traceline.sink.opensearch.DocKind;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenSearch side of the sink benchmark, over the server's REST API: deletes the sink's indices
 * between passes, reads back what a pass stored, and reads the node's indexing counters. Not part
 * of what is measured. Stateless.
 */
final class BenchOpenSearch {

  /**
   * The node's indexing counters, cumulative since it started (deleted indices included).
   *
   * @param documents documents indexed by the shards
   * @param indexMillis time the shards spent indexing them, summed over the documents
   */
  record IndexingStats(long documents, long indexMillis) {

    /** What happened between {@code before} and this. */
    IndexingStats minus(IndexingStats before) {
      return new IndexingStats(documents - before.documents, indexMillis - before.indexMillis);
    }
  }

  /**
   * What the timelines alias holds.
   *
   * @param documents documents in {@code traceline-timelines}
   * @param revisionSum the sum of their {@code revision} fields
   */
  record Stored(long documents, long revisionSum) {}

  private BenchOpenSearch() {}

  /** Deletes every index of every {@link DocKind}, so that the next pass starts from none. */
  static void deleteIndices(EmbeddedOpenSearch server) {
    List<String> patterns = new ArrayList<>();
    for (DocKind kind : DocKind.values()) {
      patterns.add(kind.alias() + "-*");
    }
    JsonNode rows =
        json(server, "GET", "/_cat/indices/" + String.join(",", patterns) + "?format=json&h=index");
    List<String> indices = new ArrayList<>();
    rows.forEach(row -> indices.add(row.path("index").asText()));
    if (!indices.isEmpty()) {
      json(server, "DELETE", "/" + String.join(",", indices));
    }
  }

  /** Refreshes the timelines alias, then counts its documents and sums their revisions. */
  static Stored timelines(EmbeddedOpenSearch server) {
    String alias = DocKind.TIMELINE.alias();
    json(server, "POST", "/" + alias + "/_refresh");
    JsonNode answer =
        json(
            server,
            "POST",
            "/" + alias + "/_search",
            "{\"size\":0,\"track_total_hits\":true,"
                + "\"aggs\":{\"revisions\":{\"sum\":{\"field\":\"revision\"}}}}");
    return new Stored(
        answer.path("hits").path("total").path("value").asLong(),
        answer.path("aggregations").path("revisions").path("value").asLong());
  }

  /** The node's indexing counters now. */
  static IndexingStats indexingStats(EmbeddedOpenSearch server) {
    JsonNode nodes = json(server, "GET", "/_nodes/stats/indices/indexing").path("nodes");
    long documents = 0;
    long millis = 0;
    for (JsonNode node : nodes) {
      JsonNode indexing = node.path("indices").path("indexing");
      documents += indexing.path("index_total").asLong();
      millis += indexing.path("index_time_in_millis").asLong();
    }
    return new IndexingStats(documents, millis);
  }

  private static JsonNode json(EmbeddedOpenSearch server, String method, String path) {
    return json(server, method, path, null);
  }

  private static JsonNode json(EmbeddedOpenSearch server, String method, String path, String body) {
    HttpResponse<String> response;
    try {
      response = server.send(method, path, body);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " answered no JSON", e);
    }
  }
}
