package io.traceline.serve.query;

import io.traceline.model.FlagType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenSearch request bodies of the read side, as plain maps (written as JSON by the caller).
 * Pure: no I/O, so each query's shape is unit-tested.
 *
 * <p>Every search of timelines or alerts collapses on {@code traceId} and keeps the highest
 * revision ({@code inner_hits} sorted by {@code revision}): a trace's revisions can sit in two
 * monthly indices (sink README), and a reader shows each trace once, at its latest revision.
 */
public final class Queries {

  /** The flags that mark a latency outlier against a learned baseline. */
  public static final List<FlagType> OUTLIER_FLAGS =
      List.of(FlagType.LATENCY_OUTLIER, FlagType.SEGMENT_OUTLIER);

  /** The most services, routes and edges an aggregation returns. */
  static final int MAX_BUCKETS = 500;

  /** Fields of a timeline a search result shows (not its events). */
  static final List<String> SUMMARY_FIELDS =
      List.of(
          "traceId",
          "revision",
          "status",
          "startTime",
          "durationMs",
          "entry",
          "services",
          "bottleneck",
          "flags.type",
          "flags.service",
          "flags.ratio",
          "eventCount");

  private Queries() {}

  /** Timelines matching the criteria, newest first, one per trace at its latest revision. */
  public static Map<String, Object> search(SearchCriteria c) {
    List<Object> filters = new ArrayList<>();
    filters.add(range("startTime", c.range()));
    if (c.service() != null) {
      filters.add(term("services", c.service()));
    }
    if (c.routeService() != null) {
      filters.add(term("entry.service", c.routeService()));
    }
    if (c.routeOperation() != null) {
      filters.add(term("entry.operation", c.routeOperation()));
    }
    if (c.flag() != null) {
      filters.add(
          Map.of("nested", Map.of("path", "flags", "query", term("flags.type", c.flag().name()))));
    }
    if (c.minDurationMs() != null) {
      filters.add(Map.of("range", Map.of("durationMs", Map.of("gte", c.minDurationMs()))));
    }
    if (c.status() != null) {
      filters.add(term("status", c.status().name()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("size", c.limit());
    body.put("query", Map.of("bool", Map.of("filter", filters)));
    body.put("sort", List.of(Map.of("startTime", "desc"), Map.of("traceId", "asc")));
    body.put("_source", false);
    body.put("collapse", latestPerTrace(SUMMARY_FIELDS));
    body.put(
        "aggs",
        Map.of(
            "traces",
            Map.of("cardinality", Map.of("field", "traceId", "precision_threshold", 40_000)),
            "overTime",
            overTime(c.range())));
    return body;
  }

  /** Bucket lengths of the chart over time, the shortest that gives at most {@link #MAX_POINTS}. */
  static final List<Duration> INTERVALS =
      List.of(
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(15),
          Duration.ofHours(1),
          Duration.ofHours(3),
          Duration.ofHours(12),
          Duration.ofDays(1));

  /** The most buckets of the chart over time. */
  static final int MAX_POINTS = 120;

  /** The chart's bucket length for a window. */
  public static Duration interval(TimeRange range) {
    for (Duration interval : INTERVALS) {
      if (range.length().toMillis() / interval.toMillis() <= MAX_POINTS) {
        return interval;
      }
    }
    return INTERVALS.get(INTERVALS.size() - 1);
  }

  /**
   * Requests per bucket of the window (empty buckets too), with their p50 and p99 durations and how
   * many carry a flag.
   */
  private static Map<String, Object> overTime(TimeRange range) {
    return Map.of(
        "date_histogram",
        Map.of(
            "field",
            "startTime",
            "fixed_interval",
            interval(range).toSeconds() + "s",
            "min_doc_count",
            0,
            "extended_bounds",
            Map.of("min", range.from().toEpochMilli(), "max", range.to().toEpochMilli() - 1)),
        "aggs",
        Map.of(
            "latency",
            Map.of("percentiles", Map.of("field", "durationMs", "percents", List.of(50, 99))),
            "flagged",
            Map.of(
                "filter",
                Map.of(
                    "nested", Map.of("path", "flags", "query", Map.of("match_all", Map.of()))))));
  }

  /** The services, routes and flag types of the timelines in a window, for the search form. */
  public static Map<String, Object> facets(TimeRange range) {
    return Map.of(
        "size",
        0,
        "query",
        range("startTime", range),
        "aggs",
        Map.of(
            "services",
            terms("services"),
            "routes",
            Map.of(
                "multi_terms",
                Map.of(
                    "terms",
                    List.of(
                        Map.of("field", "entry.service"),
                        Map.of("field", "entry.operation", "missing", "")),
                    "size",
                    MAX_BUCKETS)),
            "flags",
            Map.of(
                "nested",
                Map.of("path", "flags"),
                "aggs",
                Map.of(
                    "types",
                    Map.of(
                        "terms",
                        Map.of("field", "flags.type", "size", MAX_BUCKETS),
                        // Timelines carrying the type, not flags: a timeline may carry it twice.
                        "aggs",
                        Map.of("timelines", Map.of("reverse_nested", Map.of())))))));
  }

  /**
   * Per service, over the window and over its baseline (the windows before it): segments, segments
   * with errors, p50 and p99 of the segments' durations; and the entry services of the window.
   */
  public static Map<String, Object> serviceHealth(TimeRange range) {
    TimeRange baseline = range.baseline();
    Map<String, Object> perService =
        Map.of(
            "nested",
            Map.of("path", "segments"),
            "aggs",
            Map.of(
                "services",
                Map.of(
                    "terms",
                    Map.of("field", "segments.service", "size", MAX_BUCKETS),
                    "aggs",
                    Map.of(
                        "latency",
                        Map.of(
                            "percentiles",
                            Map.of("field", "segments.durationMs", "percents", List.of(50, 99))),
                        "errors",
                        Map.of(
                            "filter",
                            Map.of("range", Map.of("segments.errorCount", Map.of("gt", 0))))))));
    return Map.of(
        "size",
        0,
        "query",
        range("startTime", new TimeRange(baseline.from(), range.to())),
        "aggs",
        Map.of(
            "current",
            Map.of(
                "filter",
                range("startTime", range),
                "aggs",
                Map.of("segments", perService, "entries", terms("entry.service"))),
            "baseline",
            Map.of(
                "filter", range("startTime", baseline), "aggs", Map.of("segments", perService))));
  }

  /**
   * Per caller and callee over the window's minutes: calls, errors, the calls-weighted mean of the
   * minutes' p99 and the worst minute's p99.
   */
  public static Map<String, Object> serviceEdges(TimeRange range) {
    return Map.of(
        "size",
        0,
        "query",
        range("minute", range),
        "aggs",
        Map.of(
            "edges",
            Map.of(
                "multi_terms",
                Map.of(
                    "terms",
                    List.of(Map.of("field", "from"), Map.of("field", "to")),
                    "size",
                    MAX_BUCKETS),
                "aggs",
                Map.of(
                    "calls", Map.of("sum", Map.of("field", "calls")),
                    "errors", Map.of("sum", Map.of("field", "errors")),
                    "p99",
                        Map.of(
                            "weighted_avg",
                            Map.of(
                                "value",
                                Map.of("field", "p99Ms"),
                                "weight",
                                Map.of("field", "calls"))),
                    "worstP99", Map.of("max", Map.of("field", "p99Ms"))))));
  }

  /**
   * Alerts of the window with a latency-outlier flag, the most extreme first (by the highest ratio
   * of observed to baseline among those flags), one per trace at its latest revision.
   */
  public static Map<String, Object> outliers(TimeRange range, int limit) {
    List<String> types = OUTLIER_FLAGS.stream().map(Enum::name).toList();
    Map<String, Object> outlierFlag = Map.of("terms", Map.of("flags.type", types));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("size", limit);
    body.put(
        "query",
        Map.of(
            "bool",
            Map.of(
                "filter",
                List.of(
                    range("startTime", range),
                    Map.of("nested", Map.of("path", "flags", "query", outlierFlag))))));
    body.put(
        "sort",
        List.of(
            Map.of(
                "flags.ratio",
                Map.of(
                    "order", "desc",
                    "mode", "max",
                    "missing", "_last",
                    "nested", Map.of("path", "flags", "filter", outlierFlag))),
            Map.of("startTime", "desc")));
    body.put("_source", false);
    body.put("collapse", latestPerTrace(null));
    return body;
  }

  /** Collapse on the trace id, keeping the highest revision's source (all of it when null). */
  private static Map<String, Object> latestPerTrace(List<String> fields) {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("name", "latest");
    inner.put("size", 1);
    inner.put("sort", List.of(Map.of("revision", "desc")));
    if (fields != null) {
      inner.put("_source", fields);
    }
    return Map.of("field", "traceId", "inner_hits", inner);
  }

  private static Map<String, Object> term(String field, Object value) {
    return Map.of("term", Map.of(field, value));
  }

  private static Map<String, Object> terms(String field) {
    return Map.of("terms", Map.of("field", field, "size", MAX_BUCKETS));
  }

  private static Map<String, Object> range(String field, TimeRange range) {
    return Map.of(
        "range",
        Map.of(field, Map.of("gte", range.from().toEpochMilli(), "lt", range.to().toEpochMilli())));
  }
}
