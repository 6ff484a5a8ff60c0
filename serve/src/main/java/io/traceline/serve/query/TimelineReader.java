package io.traceline.serve.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.sink.opensearch.DocKind;
import io.traceline.sink.opensearch.OpenSearchConnection;
import io.traceline.sink.opensearch.OpenSearchUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Answers the UI's and the API's questions from OpenSearch: runs the {@link Queries} against the
 * aliases {@code traceline sink} writes and shapes the answers. Thread-safe; the connection belongs
 * to the caller.
 *
 * <p>An index that does not exist yet (nothing indexed) reads as empty, not as an error.
 */
public final class TimelineReader {

  private final OpenSearchConnection connection;

  /** A reader over {@code connection}. */
  public TimelineReader(OpenSearchConnection connection) {
    this.connection = connection;
  }

  /**
   * Timelines matching the criteria, newest first, each trace once at its latest revision.
   *
   * @param total how many traces match (may exceed the timelines returned)
   * @param timelines the summaries: a timeline's fields without its events and segments
   * @param intervalMs the length of a bucket of {@code overTime}
   * @param overTime every match of the window (not only those returned), per bucket
   */
  public record SearchResult(
      long total, List<JsonNode> timelines, long intervalMs, List<Bucket> overTime) {}

  /**
   * The matching requests that started in one bucket of the window.
   *
   * @param time the bucket's start, epoch ms
   * @param requests how many
   * @param flagged how many carry a flag
   * @param p50Ms their median duration, or null when there are none
   * @param p99Ms their 99th percentile duration, or null when there are none
   */
  public record Bucket(long time, long requests, long flagged, Double p50Ms, Double p99Ms) {}

  /** Runs the search. */
  public SearchResult search(SearchCriteria criteria) throws OpenSearchUnavailableException {
    JsonNode answer = query(DocKind.TIMELINE, Queries.search(criteria));
    JsonNode aggs = answer.path("aggregations");
    List<Bucket> overTime = new ArrayList<>();
    for (JsonNode b : aggs.path("overTime").path("buckets")) {
      overTime.add(
          new Bucket(
              b.path("key").asLong(),
              b.path("doc_count").asLong(),
              b.path("flagged").path("doc_count").asLong(),
              number(b.path("latency").path("values").path("50.0")),
              number(b.path("latency").path("values").path("99.0"))));
    }
    return new SearchResult(
        aggs.path("traces").path("value").asLong(),
        latestSources(answer),
        Queries.interval(criteria.range()).toMillis(),
        overTime);
  }

  /** The trace's timeline at its highest revision, or empty when none is indexed. */
  public Optional<JsonNode> timeline(String traceId) throws OpenSearchUnavailableException {
    return connection.latest(DocKind.TIMELINE, traceId);
  }

  /**
   * The search form's choices in a window.
   *
   * @param services every service crossed, by name
   * @param routes entry service and operation, most requests first
   * @param flags flag types with the number of timelines carrying them
   */
  public record Facets(List<String> services, List<Route> routes, List<Count> flags) {}

  /** An entry route and its requests. */
  public record Route(String service, String operation, long requests) {}

  /** A value and how often it was seen. */
  public record Count(String value, long count) {}

  /** The services, routes and flags of the window. */
  public Facets facets(TimeRange range) throws OpenSearchUnavailableException {
    JsonNode aggs = query(DocKind.TIMELINE, Queries.facets(range)).path("aggregations");
    List<String> services = new ArrayList<>();
    aggs.path("services").path("buckets").forEach(b -> services.add(b.path("key").asText()));
    services.sort(Comparator.naturalOrder());
    List<Route> routes = new ArrayList<>();
    for (JsonNode b : aggs.path("routes").path("buckets")) {
      String operation = b.path("key").path(1).asText("");
      routes.add(
          new Route(
              b.path("key").path(0).asText(),
              operation.isEmpty() ? null : operation,
              b.path("doc_count").asLong()));
    }
    List<Count> flags = new ArrayList<>();
    for (JsonNode b : aggs.path("flags").path("types").path("buckets")) {
      flags.add(new Count(b.path("key").asText(), b.path("timelines").path("doc_count").asLong()));
    }
    return new Facets(services, routes, flags);
  }

  /** The service map of the window: every service judged against its baseline, every edge. */
  public ServiceMap serviceMap(TimeRange range) throws OpenSearchUnavailableException {
    JsonNode health = query(DocKind.TIMELINE, Queries.serviceHealth(range)).path("aggregations");
    Map<String, Health.Stats> current = stats(health.path("current"));
    Map<String, Health.Stats> baseline = stats(health.path("baseline"));
    Map<String, Double> p50 = new TreeMap<>();
    for (JsonNode b : health.path("current").path("segments").path("services").path("buckets")) {
      p50.put(b.path("key").asText(), number(b.path("latency").path("values").path("50.0")));
    }
    TreeSet<String> entries = new TreeSet<>();
    health
        .path("current")
        .path("entries")
        .path("buckets")
        .forEach(b -> entries.add(b.path("key").asText()));

    List<ServiceMap.Edge> edges = new ArrayList<>();
    JsonNode edgeAggs =
        query(DocKind.SERVICE_EDGE, Queries.serviceEdges(range)).path("aggregations");
    for (JsonNode b : edgeAggs.path("edges").path("buckets")) {
      edges.add(
          new ServiceMap.Edge(
              b.path("key").path(0).asText(),
              b.path("key").path(1).asText(),
              b.path("calls").path("value").asLong(),
              b.path("errors").path("value").asLong(),
              number(b.path("p99").path("value")),
              number(b.path("worstP99").path("value"))));
    }
    edges.sort(Comparator.comparing(ServiceMap.Edge::from).thenComparing(ServiceMap.Edge::to));

    TreeSet<String> services = new TreeSet<>(current.keySet());
    services.addAll(entries);
    for (ServiceMap.Edge e : edges) {
      services.add(e.from());
      services.add(e.to());
    }
    Health.Stats none = new Health.Stats(0, 0, null);
    List<ServiceMap.Node> nodes = new ArrayList<>();
    for (String service : services) {
      Health.Stats now = current.getOrDefault(service, none);
      Health.Stats before = baseline.getOrDefault(service, none);
      nodes.add(
          new ServiceMap.Node(
              service,
              entries.contains(service),
              now,
              p50.get(service),
              before,
              Health.judge(now, before)));
    }
    return new ServiceMap(range, range.baseline(), nodes, edges);
  }

  /** The window's latency outliers, the most extreme first, each trace once. */
  public List<JsonNode> outliers(TimeRange range, int limit) throws OpenSearchUnavailableException {
    return latestSources(query(DocKind.ALERT, Queries.outliers(range, limit)));
  }

  private static Map<String, Health.Stats> stats(JsonNode window) {
    Map<String, Health.Stats> stats = new TreeMap<>();
    for (JsonNode b : window.path("segments").path("services").path("buckets")) {
      stats.put(
          b.path("key").asText(),
          new Health.Stats(
              b.path("doc_count").asLong(),
              b.path("errors").path("doc_count").asLong(),
              number(b.path("latency").path("values").path("99.0"))));
    }
    return stats;
  }

  /** A numeric aggregation value, or null when OpenSearch had none (no documents: null or NaN). */
  private static Double number(JsonNode value) {
    return value.isNumber() && Double.isFinite(value.asDouble()) ? value.asDouble() : null;
  }

  /** The latest revision's source of every collapsed hit, in the hits' order. */
  private static List<JsonNode> latestSources(JsonNode answer) {
    List<JsonNode> sources = new ArrayList<>();
    for (JsonNode hit : answer.path("hits").path("hits")) {
      JsonNode latest = hit.path("inner_hits").path("latest").path("hits").path("hits").path(0);
      sources.add(latest.path("_source"));
    }
    return sources;
  }

  /**
   * Searches the alias of {@code kind}; an alias that does not exist yet answers as an empty
   * result.
   */
  private JsonNode query(DocKind kind, Map<String, Object> body)
      throws OpenSearchUnavailableException {
    return connection.json(
        "POST",
        "/" + kind.alias() + "/_search",
        Map.of("ignore_unavailable", "true", "allow_no_indices", "true"),
        body,
        200);
  }
}
