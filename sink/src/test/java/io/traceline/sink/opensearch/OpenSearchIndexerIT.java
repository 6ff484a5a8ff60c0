package io.traceline.sink.opensearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.embedded.junit.OpenSearchExtension;
import io.traceline.model.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The indexer against the real OpenSearch server: templates and mappings, revisions that replace
 * and never go back, per-item rejections, retention, and an outage. Reads back with a plain HTTP
 * client, not with the code under test.
 */
@ExtendWith(OpenSearchExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class OpenSearchIndexerIT {

  private static final long NOV_21 = Instant.parse("2026-11-21T10:15:30Z").toEpochMilli();
  private static final String TIMELINES_NOV = "traceline-timelines-2026.11";

  private static OpenSearchIndexer indexer;

  /** The readers' by-id read. */
  private static OpenSearchConnection reader;

  @BeforeAll
  static void installTemplates(EmbeddedOpenSearch server) throws Exception {
    indexer = OpenSearchIndexer.create(OpenSearchSettings.of(server.httpUri()));
    indexer.installTemplates();
    reader = OpenSearchConnection.open(OpenSearchSettings.of(server.httpUri()));
  }

  @AfterAll
  static void closeIndexer() throws IOException {
    indexer.close();
    reader.close();
  }

  private static JsonNode get(EmbeddedOpenSearch server, String path)
      throws IOException, InterruptedException {
    return send(server, "GET", path);
  }

  private static JsonNode send(EmbeddedOpenSearch server, String method, String path)
      throws IOException, InterruptedException {
    HttpResponse<String> response = server.send(method, path, null);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body());
  }

  private static Doc timeline(String traceId, int revision, long start) {
    return Documents.of(DocKind.TIMELINE, null, Fixtures.timelineJson(traceId, revision, start));
  }

  private static List<Outcome> outcomes(List<ItemResult> results) {
    return results.stream().map(ItemResult::outcome).toList();
  }

  @Test
  @Order(1)
  void templatesInstallAgainAndDeclareExplicitMappings(EmbeddedOpenSearch server) throws Exception {
    indexer.installTemplates();

    JsonNode templates = get(server, "/_index_template/traceline-*").path("index_templates");
    assertThat(templates.findValuesAsText("name"))
        .containsExactlyInAnyOrder(
            "traceline-timelines", "traceline-alerts", "traceline-service-edges");

    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    assertThat(outcomes(indexer.index(List.of(timeline(trace, 1, NOV_21)))))
        .containsExactly(Outcome.INDEXED);

    JsonNode mapping = get(server, "/" + TIMELINES_NOV + "/_mapping").path(TIMELINES_NOV);
    JsonNode properties = mapping.path("mappings").path("properties");
    assertThat(mapping.path("mappings").path("dynamic").asText()).isEqualTo("strict");
    assertThat(properties.path("traceId").path("type").asText()).isEqualTo("keyword");
    assertThat(properties.path("services").path("type").asText()).isEqualTo("keyword");
    assertThat(properties.path("startTime").path("type").asText()).isEqualTo("date");
    assertThat(properties.path("durationMs").path("type").asText()).isEqualTo("long");
    assertThat(properties.path("flags").path("type").asText()).isEqualTo("nested");
    assertThat(properties.path("flags").path("properties").path("type").path("type").asText())
        .isEqualTo("keyword");
    JsonNode attributes = properties.path("events").path("properties").path("attributes");
    assertThat(attributes.path("enabled").asBoolean(true)).isFalse();
    assertThat(attributes.has("properties")).isFalse();
    assertThat(mapping.toString()).doesNotContain("customer.tier", "db.statement");

    // Readers use the alias; the stored source is the record's JSON, attributes included.
    send(server, "POST", "/traceline-timelines/_refresh");
    JsonNode hit = get(server, "/traceline-timelines/_search?q=traceId:" + trace).path("hits");
    assertThat(hit.path("total").path("value").asInt()).isEqualTo(1);
    assertThat(hit.path("hits").get(0).path("_source"))
        .isEqualTo(Json.MAPPER.readTree(Fixtures.timelineJson(trace, 1, NOV_21)));
  }

  @Test
  @Order(2)
  void aLaterRevisionReplacesTheDocumentAndAnOlderOneIsStale(EmbeddedOpenSearch server)
      throws Exception {
    String trace = "0af7651916cd43dd8448eb211c80319c";
    assertThat(outcomes(indexer.index(List.of(timeline(trace, 1, NOV_21)))))
        .containsExactly(Outcome.INDEXED);
    assertThat(outcomes(indexer.index(List.of(timeline(trace, 2, NOV_21)))))
        .containsExactly(Outcome.INDEXED);

    List<ItemResult> replay =
        indexer.index(List.of(timeline(trace, 1, NOV_21), timeline(trace, 2, NOV_21)));

    assertThat(outcomes(replay)).containsExactly(Outcome.STALE, Outcome.STALE);
    assertThat(replay.get(0).status()).isEqualTo(409);
    assertThat(replay.get(0).reason()).startsWith("version_conflict_engine_exception");
    JsonNode stored = get(server, "/" + TIMELINES_NOV + "/_doc/" + trace);
    assertThat(stored.path("_version").asLong()).isEqualTo(2);
    assertThat(stored.path("_source").path("revision").asInt()).isEqualTo(2);
    assertThat(stored.path("_source").path("events").size()).isEqualTo(3);
  }

  @Test
  @Order(3)
  void serviceEdgeRevisionsAndAlertsLikewise(EmbeddedOpenSearch server) throws Exception {
    long minute = Instant.parse("2026-11-21T10:15:00Z").toEpochMilli();
    String key = Fixtures.edge(minute, 1, 1).key();
    Doc first = Documents.of(DocKind.SERVICE_EDGE, null, Fixtures.edgeJson(minute, 3, 1));
    Doc second = Documents.of(DocKind.SERVICE_EDGE, null, Fixtures.edgeJson(minute, 7, 2));
    String trace = "5b8efff798038103d269b633813fc60c";
    Doc alert = Documents.of(DocKind.ALERT, null, Fixtures.alertJson(trace, 1, NOV_21));

    assertThat(outcomes(indexer.index(List.of(second, alert))))
        .containsExactly(Outcome.INDEXED, Outcome.INDEXED);
    assertThat(outcomes(indexer.index(List.of(first)))).containsExactly(Outcome.STALE);

    JsonNode edge =
        get(
            server,
            "/traceline-service-edges-2026.11/_doc/" + key.replace(" ", "%20").replace(">", "%3E"));
    assertThat(edge.path("_version").asLong()).isEqualTo(2);
    assertThat(edge.path("_source").path("calls").asLong()).isEqualTo(7);
    JsonNode flags =
        get(server, "/traceline-alerts-2026.11/_doc/" + trace).path("_source").path("flags");
    assertThat(flags.findValuesAsText("type")).containsExactly("SLO_BREACH");
  }

  @Test
  @Order(4)
  void aDocumentAgainstTheMappingIsRejectedWithItsReasonAndTheRestIndexed(EmbeddedOpenSearch server)
      throws Exception {
    String bad = "7d3c8e1f2a6b4c5d9e0f1a2b3c4d5e6f";
    String good = "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f";
    String json = new String(Fixtures.timelineJson(bad, 1, NOV_21), UTF_8);
    byte[] unknownField = json.replaceFirst("^\\{", "{\"unexpected\":\"x\",").getBytes(UTF_8);
    byte[] wrongType = json.replace("\"eventCount\":2", "\"eventCount\":\"many\"").getBytes(UTF_8);

    List<ItemResult> results =
        indexer.index(
            List.of(
                Documents.of(DocKind.TIMELINE, null, unknownField),
                timeline(good, 1, NOV_21),
                Documents.of(DocKind.TIMELINE, null, wrongType)));

    assertThat(outcomes(results))
        .containsExactly(Outcome.REJECTED, Outcome.INDEXED, Outcome.REJECTED);
    assertThat(results.get(0).status()).isEqualTo(400);
    assertThat(results.get(0).reason())
        .startsWith("strict_dynamic_mapping_exception")
        .contains("unexpected");
    assertThat(results.get(2).reason())
        .startsWith("mapper_parsing_exception")
        .contains("eventCount");
    get(server, "/" + TIMELINES_NOV + "/_doc/" + good);
  }

  @Test
  @Order(5)
  void expiredMonthsAreDeletedAndRecentOnesKept(EmbeddedOpenSearch server) throws Exception {
    // The integ-test distribution has no Index State Management plugin: the sink does retention.
    assertThat(get(server, "/_cat/plugins?format=json").toString())
        .doesNotContain("index-management");
    long january = Instant.parse("2026-01-15T08:00:00Z").toEpochMilli();
    assertThat(
            outcomes(
                indexer.index(List.of(timeline("9f86d081884c7d659a2feaa0c55ad015", 1, january)))))
        .containsExactly(Outcome.INDEXED);

    List<String> deleted = indexer.deleteExpired(Instant.parse("2026-11-21T12:00:00Z"));

    assertThat(deleted).containsExactly("traceline-timelines-2026.01");
    JsonNode left = get(server, "/_cat/indices/traceline-*?format=json&h=index");
    assertThat(left.findValuesAsText("index"))
        .contains(TIMELINES_NOV, "traceline-alerts-2026.11", "traceline-service-edges-2026.11")
        .doesNotContain("traceline-timelines-2026.01");
    assertThat(indexer.deleteExpired(Instant.parse("2026-11-21T12:00:00Z"))).isEmpty();
  }

  /** The documents of {@code id} across {@code alias}, as stored (no reader rule applied). */
  private static JsonNode stored(EmbeddedOpenSearch server, String alias, String id)
      throws IOException, InterruptedException {
    return hits(
        server, alias, "{\"version\":true,\"query\":{\"ids\":{\"values\":[\"" + id + "\"]}}}");
  }

  /**
   * The search every reader of the aliases makes (the README's reader rule): one hit per trace,
   * carrying the trace's highest revision among the documents the query matched.
   */
  private static JsonNode collapsed(EmbeddedOpenSearch server, String alias, String query)
      throws IOException, InterruptedException {
    return hits(
        server,
        alias,
        "{\"query\":"
            + query
            + ",\"sort\":[{\"startTime\":\"desc\"}],\"collapse\":{\"field\":\"traceId\","
            + "\"inner_hits\":{\"name\":\"latest\",\"size\":1,"
            + "\"sort\":[{\"revision\":\"desc\"}]}}}");
  }

  /** The hits of a search of the alias, after a refresh. */
  private static JsonNode hits(EmbeddedOpenSearch server, String alias, String search)
      throws IOException, InterruptedException {
    send(server, "POST", "/" + alias + "/_refresh");
    HttpResponse<String> response = server.send("POST", "/" + alias + "/_search", search);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body()).path("hits").path("hits");
  }

  private static JsonNode latestOf(JsonNode collapsedHit) {
    return collapsedHit.path("inner_hits").path("latest").path("hits").path("hits").get(0);
  }

  @Test
  @Order(6)
  void aRevisionThatMovesIntoThePreviousMonthRemovesTheEarlierOneAndAReplayDoesNotBringItBack(
      EmbeddedOpenSearch server) throws Exception {
    String trace = "d1ec0000000000000000000000000001";
    long dec1 = Instant.parse("2026-12-01T00:00:30Z").toEpochMilli();
    long nov30 = Instant.parse("2026-11-30T23:59:50Z").toEpochMilli();
    Doc first = timeline(trace, 1, dec1);
    Doc moved = timeline(trace, 2, nov30);
    Doc firstAlert = Documents.of(DocKind.ALERT, null, Fixtures.alertJson(trace, 1, dec1));
    Doc movedAlert = Documents.of(DocKind.ALERT, null, Fixtures.alertJson(trace, 2, nov30));

    List<ItemResult> firsts = indexer.index(List.of(first, firstAlert));
    assertThat(outcomes(firsts)).containsExactly(Outcome.INDEXED, Outcome.INDEXED);
    assertThat(firsts.get(0).removal()).isNull();
    assertThat(stored(server, "traceline-timelines", trace).get(0).path("_index").asText())
        .isEqualTo("traceline-timelines-2026.12");

    List<ItemResult> seconds = indexer.index(List.of(moved, movedAlert));

    assertThat(outcomes(seconds)).containsExactly(Outcome.INDEXED, Outcome.INDEXED);
    assertThat(seconds)
        .extracting(r -> r.removal().result())
        .containsExactly(Removal.Result.DELETED, Removal.Result.DELETED);
    for (String alias : List.of("traceline-timelines", "traceline-alerts")) {
      JsonNode hits = stored(server, alias, trace);
      assertThat(hits).as(alias).hasSize(1);
      assertThat(hits.get(0).path("_index").asText()).isEqualTo(alias + "-2026.11");
      assertThat(hits.get(0).path("_version").asLong()).isEqualTo(2);
    }

    // A replay of both (in order, as Kafka gives them): revision 1 meets the delete's tombstone,
    // revision 2 is stale and removes nothing.
    List<ItemResult> replay = indexer.index(List.of(first, moved));
    assertThat(outcomes(replay)).containsExactly(Outcome.STALE, Outcome.STALE);
    assertThat(replay.get(0).removal()).isNull();
    assertThat(replay.get(1).removal().result()).isEqualTo(Removal.Result.ABSENT);
    assertThat(stored(server, "traceline-timelines", trace)).hasSize(1);
    assertThat(reader.latest(DocKind.TIMELINE, trace).orElseThrow())
        .isEqualTo(Json.MAPPER.readTree(moved.json()));
  }

  @Test
  @Order(7)
  void bothRevisionsInOneBulkLeaveOneDocument(EmbeddedOpenSearch server) throws Exception {
    String trace = "d1ec0000000000000000000000000002";
    Doc first = timeline(trace, 1, Instant.parse("2027-01-01T00:00:05Z").toEpochMilli());
    Doc moved = timeline(trace, 2, Instant.parse("2026-12-31T23:58:00Z").toEpochMilli());

    List<ItemResult> results = indexer.index(List.of(first, moved));

    assertThat(outcomes(results)).containsExactly(Outcome.INDEXED, Outcome.INDEXED);
    assertThat(results.get(1).removal().result()).isEqualTo(Removal.Result.DELETED);
    JsonNode hits = stored(server, "traceline-timelines", trace);
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).path("_index").asText()).isEqualTo("traceline-timelines-2026.12");
  }

  @Test
  @Order(8)
  void aRemovalFromAMonthWithoutIndexFindsNothingAndLeavesItsTombstone(EmbeddedOpenSearch server)
      throws Exception {
    String trace = "d1ec0000000000000000000000000005";
    Doc moved = timeline(trace, 2, Instant.parse("2027-02-28T23:59:00Z").toEpochMilli());

    List<ItemResult> results = indexer.index(List.of(moved));

    assertThat(outcomes(results)).containsExactly(Outcome.INDEXED);
    assertThat(results.get(0).removal().result()).isEqualTo(Removal.Result.ABSENT);
    assertThat(results.get(0).removal().status()).isEqualTo(404);
    // An externally versioned delete creates its index, empty, to keep the tombstone: revision 1
    // arriving now is refused instead of being stored beside revision 2.
    JsonNode march = get(server, "/_cat/indices/traceline-timelines-2027.03?format=json");
    assertThat(march.get(0).path("docs.count").asText()).isEqualTo("0");
    Doc late = timeline(trace, 1, Instant.parse("2027-03-01T00:00:10Z").toEpochMilli());
    assertThat(outcomes(indexer.index(List.of(late)))).containsExactly(Outcome.STALE);
    assertThat(stored(server, "traceline-timelines", trace)).hasSize(1);
  }

  @Test
  @Order(9)
  void whereAnEarlierRevisionStaysReadersStillSeeEachTraceOnceAtItsLatestRevision(
      EmbeddedOpenSearch server) throws Exception {
    // Two ways an earlier revision can stay beside a later one. (1) The start moved by more than
    // the window, so no delete was sent.
    String far = "d1ec0000000000000000000000000003";
    assertThat(
            outcomes(
                indexer.index(
                    List.of(
                        timeline(far, 1, Instant.parse("2026-12-02T12:00:00Z").toEpochMilli()),
                        timeline(far, 2, Instant.parse("2026-11-29T12:00:00Z").toEpochMilli())))))
        .containsExactly(Outcome.INDEXED, Outcome.INDEXED);
    // (2) The delete's tombstone expired (index.gc_deletes, 60 s by default; 0 here) before a lone
    // replay of revision 1: nothing remembers the delete, so revision 1 is stored again.
    String lone = "d1ec0000000000000000000000000004";
    long dec1 = Instant.parse("2026-12-01T00:00:30Z").toEpochMilli();
    Doc first = timeline(lone, 1, dec1);
    Doc moved = timeline(lone, 2, Instant.parse("2026-11-30T23:59:50Z").toEpochMilli());
    indexer.index(List.of(first, moved));
    HttpResponse<String> settings =
        server.send(
            "PUT", "/traceline-timelines-2026.12/_settings", "{\"index.gc_deletes\":\"0s\"}");
    assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Outcome replayed = Outcome.STALE;
    while (replayed == Outcome.STALE && System.nanoTime() < deadline) {
      send(server, "POST", "/traceline-timelines-2026.12/_refresh");
      replayed = indexer.index(List.of(first)).get(0).outcome();
    }
    assertThat(replayed).isEqualTo(Outcome.INDEXED);

    for (String trace : List.of(far, lone)) {
      assertThat(stored(server, "traceline-timelines", trace)).as("stored").hasSize(2);
      JsonNode hits =
          collapsed(server, "traceline-timelines", "{\"term\":{\"traceId\":\"" + trace + "\"}}");
      assertThat(hits).as("read").hasSize(1);
      assertThat(latestOf(hits.get(0)).path("_source").path("revision").asInt()).isEqualTo(2);
      JsonNode latest = reader.latest(DocKind.TIMELINE, trace).orElseThrow();
      assertThat(latest.path("revision").asInt()).isEqualTo(2);
    }
    JsonNode both =
        collapsed(
            server,
            "traceline-timelines",
            "{\"terms\":{\"traceId\":[\"" + far + "\",\"" + lone + "\"]}}");
    assertThat(both).hasSize(2);

    // The next replay of revision 2 (Kafka replays in order) removes the stray copy again.
    assertThat(indexer.index(List.of(moved)).get(0).removal().result())
        .isEqualTo(Removal.Result.DELETED);
    assertThat(stored(server, "traceline-timelines", lone)).hasSize(1);
  }

  @Test
  @Order(10)
  void anOutageThrowsAndIndexingResumesAfterRestart(EmbeddedOpenSearch server) throws Exception {
    String trace = "aaaabbbbccccddddeeeeffff00001111";
    server.stop();
    try {
      assertThatThrownBy(() -> indexer.index(List.of(timeline(trace, 1, NOV_21))))
          .isInstanceOf(OpenSearchUnavailableException.class)
          .hasMessageStartingWith("POST /_bulk failed");
      assertThatThrownBy(() -> indexer.installTemplates())
          .isInstanceOf(OpenSearchUnavailableException.class);
    } finally {
      server.restart();
    }

    assertThat(outcomes(indexer.index(List.of(timeline(trace, 2, NOV_21)))))
        .containsExactly(Outcome.INDEXED);
    assertThat(get(server, "/" + TIMELINES_NOV + "/_doc/" + trace).path("_version").asLong())
        .isEqualTo(2);
  }
}
