package io.traceline.serve;

import static io.traceline.serve.Requests.API;
import static io.traceline.serve.Requests.DB;
import static io.traceline.serve.Requests.FUNCTION;
import static io.traceline.serve.Requests.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.embedded.junit.OpenSearchExtension;
import io.traceline.model.Json;
import io.traceline.model.ServiceEdgeStats;
import io.traceline.model.Timeline;
import io.traceline.serve.query.TimelineReader;
import io.traceline.sink.opensearch.Doc;
import io.traceline.sink.opensearch.ItemResult;
import io.traceline.sink.opensearch.OpenSearchConnection;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import io.traceline.sink.opensearch.OpenSearchSettings;
import io.traceline.sink.opensearch.Outcome;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JSON API and the UI's files, served by {@link ServeServer} over the real OpenSearch 2.19
 * server, with timelines, alerts and service edges indexed by the sink's own indexer.
 *
 * <p>The clock stands at 2026-11-21T12:00Z: the last hour holds 30 requests whose database query
 * takes 300 ms (three of them failed in the function, three flagged as outliers); the six hours
 * before it, the baseline, hold 30 whose query took 100 ms.
 */
@ExtendWith(OpenSearchExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeServerIT {

  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final long HOUR = 3_600_000;

  private final HttpClient http = HttpClient.newHttpClient();
  private OpenSearchConnection connection;
  private OpenSearchIndexer indexer;
  private ServeServer server;

  /** Trace id by role: "outlier-5" (ratio 5), "failed-0", "revised", ... */
  private final Map<String, String> traces = new HashMap<>();

  private int next = 1;

  @BeforeAll
  void start(EmbeddedOpenSearch opensearch) {
    OpenSearchSettings settings = OpenSearchSettings.of(opensearch.httpUri());
    connection = OpenSearchConnection.open(settings);
    indexer = OpenSearchIndexer.create(settings);
    server =
        ServeServer.start(
            new TimelineReader(connection), Clock.fixed(NOW, ZoneOffset.UTC), "127.0.0.1", 0);
  }

  @AfterAll
  void stop() throws IOException {
    server.close();
    indexer.close();
    connection.close();
  }

  private String traceId(String role) {
    return traces.computeIfAbsent(
        role, r -> String.format(Locale.ROOT, "%032x", 0xabc000L + next++));
  }

  @Test
  @Order(1)
  void beforeAnythingIsIndexedTheApiAnswersEmpty() throws Exception {
    JsonNode search = get("/api/timelines", 200);
    assertThat(search.path("total").asLong()).isZero();
    assertThat(search.path("timelines")).isEmpty();
    assertThat(get("/api/service-map", 200).path("nodes")).isEmpty();
    assertThat(get("/api/outliers", 200).path("outliers")).isEmpty();
  }

  @Test
  @Order(2)
  void indexesTheRequests() throws Exception {
    indexer.installTemplates();
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long baselineStart = NOW.toEpochMilli() - 7 * HOUR + i * 600_000L;
      docs.add(
          Requests.timelineDoc(
              Requests.timeline(
                  traceId("baseline-" + i), 1, baselineStart, 100, false, List.of())));
    }
    for (int i = 0; i < 30; i++) {
      long start = NOW.toEpochMilli() - HOUR + 60_000 + i * 60_000L;
      String role = i < 3 ? "failed-" + i : i < 6 ? "outlier-" + (i - 1) : "current-" + i;
      List<Timeline.Flag> flags =
          i >= 3 && i < 6 ? List.of(Requests.outlier(300.0 * (i - 1), 300)) : List.of();
      Timeline t = Requests.timeline(traceId(role), 1, start, 300, i < 3, flags);
      docs.add(Requests.timelineDoc(t));
      if (!flags.isEmpty()) {
        docs.add(Requests.alertDoc(t));
      }
    }
    // A late revision of a current request: a second version with a slower query.
    long revisedStart = NOW.toEpochMilli() - 10 * 60_000;
    docs.add(
        Requests.timelineDoc(
            Requests.timeline(traceId("revised"), 1, revisedStart, 300, false, List.of())));
    docs.add(
        Requests.timelineDoc(
            Requests.timeline(traceId("revised"), 2, revisedStart, 900, false, List.of())));
    long minute = NOW.toEpochMilli() - 50 * 60_000;
    docs.add(
        Requests.edgeDoc(
            new ServiceEdgeStats(minute, API, FUNCTION, 10, 1, 150, 180, 200, 210, 1)));
    docs.add(
        Requests.edgeDoc(
            new ServiceEdgeStats(minute + 600_000, API, FUNCTION, 30, 0, 90, 95, 100, 120, 1)));
    docs.add(
        Requests.edgeDoc(new ServiceEdgeStats(minute, FUNCTION, DB, 10, 0, 290, 295, 300, 310, 1)));
    // Before the window: not counted.
    docs.add(
        Requests.edgeDoc(
            new ServiceEdgeStats(minute - 2 * HOUR, API, FUNCTION, 99, 99, 1, 1, 1, 1, 1)));
    assertThat(indexer.index(docs)).extracting(ItemResult::outcome).containsOnly(Outcome.INDEXED);
    for (String alias :
        List.of("traceline-timelines", "traceline-alerts", "traceline-service-edges")) {
      connection.json("POST", "/" + alias + "/_refresh", Map.of(), null, 200);
    }
  }

  @Test
  @Order(3)
  void searchesTheLastHourNewestFirstEachTraceOnceAtItsLatestRevision() throws Exception {
    JsonNode search = get("/api/timelines", 200);
    assertThat(search.path("total").asLong()).isEqualTo(31);
    List<JsonNode> timelines = list(search.path("timelines"));
    assertThat(timelines).hasSize(31);
    assertThat(timelines.get(0).path("traceId").asText()).isEqualTo(traceId("revised"));
    assertThat(timelines.get(0).path("revision").asInt()).isEqualTo(2);
    assertThat(timelines.get(0).path("durationMs").asLong()).isEqualTo(955);
    assertThat(timelines)
        .extracting(t -> t.path("startTime").asLong())
        .isSortedAccordingTo((a, b) -> Long.compare(b, a));
    // A summary: no events, no segments.
    assertThat(timelines.get(0).has("events")).isFalse();
    assertThat(timelines.get(0).path("entry").path("operation").asText()).isEqualTo(ROUTE);
    assertThat(timelines.get(0).path("bottleneck").path("service").asText()).isEqualTo(DB);

    // Over time: every match of the hour in 30 s buckets, empty ones included.
    assertThat(search.path("intervalMs").asLong()).isEqualTo(30_000);
    List<JsonNode> buckets = list(search.path("overTime"));
    assertThat(buckets).hasSize(120);
    assertThat(buckets.get(0).path("time").asLong()).isEqualTo(NOW.toEpochMilli() - HOUR);
    assertThat(buckets.stream().mapToLong(b -> b.path("requests").asLong()).sum()).isEqualTo(31);
    assertThat(buckets.stream().mapToLong(b -> b.path("flagged").asLong()).sum()).isEqualTo(3);
    JsonNode revisedBucket = buckets.get(100); // the revised request started at 11:50
    assertThat(revisedBucket.path("requests").asLong()).isEqualTo(1);
    assertThat(revisedBucket.path("p99Ms").asDouble()).isEqualTo(955.0);
    assertThat(buckets.get(1).has("p99Ms")).as("an empty bucket has no percentile").isFalse();
  }

  @Test
  @Order(3)
  void filtersByFlagDurationRouteServiceStatusAndLimit() throws Exception {
    assertThat(traceIds(get("/api/timelines?flag=latency_outlier", 200)))
        .containsExactlyInAnyOrder(
            traceId("outlier-2"), traceId("outlier-3"), traceId("outlier-4"));
    assertThat(traceIds(get("/api/timelines?minDurationMs=900", 200)))
        .containsExactly(traceId("revised"));
    assertThat(traceIds(get("/api/timelines?status=REVISED", 200)))
        .containsExactly(traceId("revised"));
    assertThat(get("/api/timelines?route=" + encode(API + " " + ROUTE), 200).path("total").asLong())
        .isEqualTo(31);
    assertThat(
            get("/api/timelines?route=" + encode(API + " GET /cart"), 200).path("total").asLong())
        .isZero();
    assertThat(get("/api/timelines?service=" + DB, 200).path("total").asLong()).isEqualTo(31);
    assertThat(get("/api/timelines?service=payments", 200).path("total").asLong()).isZero();
    JsonNode limited = get("/api/timelines?limit=5", 200);
    assertThat(limited.path("timelines")).hasSize(5);
    assertThat(limited.path("total").asLong()).isEqualTo(31);
    long from = NOW.toEpochMilli() - 7 * HOUR;
    assertThat(get("/api/timelines?limit=1000&from=" + from, 200).path("total").asLong())
        .isEqualTo(61);
    assertThat(
            get("/api/timelines?from=2026-11-21T05:00:00Z&to=2026-11-21T06:00:00Z", 200)
                .path("total")
                .asLong())
        .isEqualTo(6);
  }

  @Test
  @Order(3)
  void aBadRequestListsEveryProblem() throws Exception {
    JsonNode error = get("/api/timelines?flag=SLOW&minDurationMs=-1&limit=0&from=yesterday", 400);
    assertThat(error.path("error").asText()).isEqualTo("invalid request");
    assertThat(list(error.path("problems")))
        .extracting(JsonNode::asText)
        .hasSize(4)
        .anyMatch(p -> p.startsWith("flag must be one of"))
        .anyMatch(p -> p.startsWith("minDurationMs must be"))
        .anyMatch(p -> p.startsWith("limit must be"))
        .anyMatch(p -> p.startsWith("from must be ISO-8601"));
    assertThat(
            get("/api/timelines?from=2026-11-21T11:00:00Z&to=2026-11-21T10:00:00Z", 400)
                .path("problems")
                .get(0)
                .asText())
        .startsWith("to must be after from");
    assertThat(get("/api/timelines?from=0&to=9999999999999", 400).path("problems").get(0).asText())
        .endsWith("is longer than 400 days");
  }

  @Test
  @Order(3)
  void findsATimelineByAnyTraceIdFormAtItsLatestRevision() throws Exception {
    String id = traceId("revised");
    String xray = "1-" + id.substring(0, 8) + "-" + id.substring(8);
    JsonNode timeline = get("/api/timelines/" + xray, 200);
    assertThat(timeline.path("traceId").asText()).isEqualTo(id);
    assertThat(timeline.path("revision").asInt()).isEqualTo(2);
    assertThat(timeline.path("events")).hasSize(3);
    assertThat(Json.readTimeline(Json.MAPPER.writeValueAsBytes(timeline)).segments()).hasSize(3);

    JsonNode missing = get("/api/timelines/" + "f".repeat(32), 404);
    assertThat(missing.path("error").asText()).isEqualTo("no timeline of trace " + "f".repeat(32));
    assertThat(get("/api/timelines/not-a-trace", 400).path("problems").get(0).asText())
        .startsWith("'not-a-trace' is no trace id");
  }

  @Test
  @Order(3)
  void theServiceMapJudgesEachServiceAgainstTheSixHoursBefore() throws Exception {
    JsonNode map = get("/api/service-map", 200);
    Map<String, JsonNode> nodes = new HashMap<>();
    map.path("nodes").forEach(n -> nodes.put(n.path("service").asText(), n));
    assertThat(nodes).containsOnlyKeys(API, FUNCTION, DB);
    assertThat(nodes.get(API).path("entry").asBoolean()).isTrue();
    assertThat(nodes.get(DB).path("entry").asBoolean()).isFalse();

    JsonNode db = nodes.get(DB);
    assertThat(db.path("current").path("segments").asLong()).isEqualTo(31);
    assertThat(db.path("baselineStats").path("segments").asLong()).isEqualTo(30);
    assertThat(db.path("baselineStats").path("p99Ms").asDouble()).isCloseTo(100, within(1.0));
    assertThat(db.path("health").path("health").asText()).isEqualTo("CRITICAL");
    assertThat(db.path("health").path("latencyRatio").asDouble()).isBetween(3.0, 9.0);
    assertThat(db.path("health").path("reasons").get(0).asText()).contains("the baseline's");

    JsonNode function = nodes.get(FUNCTION);
    assertThat(function.path("current").path("errors").asLong()).isEqualTo(3);
    assertThat(function.path("baselineStats").path("errors").asLong()).isZero();
    assertThat(function.path("health").path("reasons").toString())
        .contains("9.7% of requests with errors");

    List<JsonNode> edges = list(map.path("edges"));
    assertThat(edges).hasSize(2);
    JsonNode call = edges.get(0);
    assertThat(call.path("from").asText()).isEqualTo(FUNCTION);
    assertThat(call.path("to").asText()).isEqualTo(DB);
    JsonNode apiCall = edges.get(1);
    assertThat(apiCall.path("from").asText()).isEqualTo(API);
    assertThat(apiCall.path("calls").asLong()).isEqualTo(40);
    assertThat(apiCall.path("errors").asLong()).isEqualTo(1);
    assertThat(apiCall.path("p99Ms").asDouble()).isCloseTo(125, within(0.01));
    assertThat(apiCall.path("worstP99Ms").asDouble()).isCloseTo(200, within(0.01));
  }

  @Test
  @Order(3)
  void listsOutliersMostExtremeFirst() throws Exception {
    List<JsonNode> outliers = list(get("/api/outliers", 200).path("outliers"));
    assertThat(outliers)
        .extracting(o -> o.path("traceId").asText())
        .containsExactly(traceId("outlier-4"), traceId("outlier-3"), traceId("outlier-2"));
    assertThat(outliers.get(0).path("flags").get(0).path("ratio").asDouble())
        .isCloseTo(4.0, within(0.001));
    assertThat(outliers.get(0).path("route").path("operation").asText()).isEqualTo(ROUTE);
  }

  @Test
  @Order(3)
  void facetsOfferTheServicesRoutesAndFlagsOfTheWindow() throws Exception {
    JsonNode facets = get("/api/facets", 200);
    assertThat(list(facets.path("services")))
        .extracting(JsonNode::asText)
        .containsExactly(FUNCTION, API, DB);
    assertThat(facets.path("routes")).hasSize(1);
    assertThat(facets.path("routes").get(0).path("operation").asText()).isEqualTo(ROUTE);
    assertThat(facets.path("routes").get(0).path("requests").asLong()).isEqualTo(31);
    assertThat(facets.path("flags").get(0).path("value").asText()).isEqualTo("LATENCY_OUTLIER");
    assertThat(facets.path("flags").get(0).path("count").asLong()).isEqualTo(3);
  }

  @Test
  @Order(3)
  void servesTheUiAndEveryScriptItLoads() throws Exception {
    HttpResponse<String> index = request("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    Matcher scripts =
        Pattern.compile("<(?:script src|link rel=\"stylesheet\" href)=\"([^\"]+)\"")
            .matcher(index.body());
    List<String> assets = new ArrayList<>();
    while (scripts.find()) {
      assets.add(scripts.group(1));
    }
    assertThat(assets)
        .contains("/app.js", "/app.css")
        .anyMatch(a -> a.startsWith("/webjars/cytoscape/"))
        .anyMatch(a -> a.startsWith("/webjars/echarts/"));
    for (String asset : assets) {
      HttpResponse<String> response = request(asset);
      assertThat(response.statusCode()).as(asset).isEqualTo(200);
      assertThat(response.body()).as(asset).isNotEmpty();
    }
  }

  @Test
  @Order(4)
  void aMonthStraddlingTraceIsShownOnceAtItsLatestRevision() throws Exception {
    // Revision 1 started in December; a late event moved revision 2's start into November, so
    // each revision went to its own month's index.
    String id = traceId("straddling");
    long december = Instant.parse("2026-12-01T00:00:30Z").toEpochMilli();
    long november = Instant.parse("2026-11-30T23:59:50Z").toEpochMilli();
    assertThat(
            indexer.index(
                List.of(
                    Requests.timelineDoc(Requests.timeline(id, 1, december, 100, false, List.of())),
                    Requests.timelineDoc(
                        Requests.timeline(id, 2, november, 100, false, List.of())))))
        .extracting(ItemResult::outcome)
        .containsOnly(Outcome.INDEXED);
    connection.json("POST", "/traceline-timelines/_refresh", Map.of(), null, 200);

    JsonNode search = get("/api/timelines?from=2026-11-30T23:00:00Z&to=2026-12-01T01:00:00Z", 200);
    assertThat(search.path("total").asLong()).isEqualTo(1);
    assertThat(search.path("timelines")).hasSize(1);
    assertThat(search.path("timelines").get(0).path("revision").asInt()).isEqualTo(2);
    assertThat(get("/api/timelines/" + id, 200).path("revision").asInt()).isEqualTo(2);
  }

  @Test
  @Order(5)
  void answers503WhileOpenSearchIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
    try (OpenSearchConnection down = OpenSearchConnection.open(OpenSearchSettings.of(nowhere));
        ServeServer unavailable =
            ServeServer.start(
                new TimelineReader(down), Clock.fixed(NOW, ZoneOffset.UTC), "127.0.0.1", 0)) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + unavailable.port() + "/api/timelines"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(Json.MAPPER.readTree(response.body()).path("error").asText())
          .isEqualTo("OpenSearch is unavailable");
    }
  }

  private HttpResponse<String> request(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path, int status) throws IOException, InterruptedException {
    HttpResponse<String> response = request(path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
    return Json.MAPPER.readTree(response.body());
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list;
  }

  private static List<String> traceIds(JsonNode search) {
    return list(search.path("timelines")).stream().map(t -> t.path("traceId").asText()).toList();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
