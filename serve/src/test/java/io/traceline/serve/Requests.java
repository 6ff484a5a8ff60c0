package io.traceline.serve;

import io.traceline.model.Alert;
import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.ServiceEdgeStats;
import io.traceline.model.Timeline;
import io.traceline.model.TimelineStatus;
import io.traceline.model.TraceIdFormat;
import io.traceline.sink.opensearch.Doc;
import io.traceline.sink.opensearch.DocKind;
import io.traceline.sink.opensearch.Documents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests through {@code shop-api GET /orders/{id} -> checkout-fn -> shop-db}, as the correlator
 * writes their timelines, built with the model's own types; and the documents the sink indexes.
 */
final class Requests {

  static final String API = "shop-api";
  static final String FUNCTION = "checkout-fn";
  static final String DB = "shop-db";
  static final String ROUTE = "GET /orders/{id}";

  private Requests() {}

  /**
   * A request starting at {@code start} whose database query takes {@code dbMs}: the gateway 10 ms,
   * then 15 ms before the function starts, the function 20 ms before its query, the query, 5 ms
   * after it. The database is the bottleneck; {@code flags} as given; {@code failed} marks the
   * function's segment with an error line.
   */
  static Timeline timeline(
      String traceId,
      int revision,
      long start,
      long dbMs,
      boolean failed,
      List<Timeline.Flag> flags) {
    long fnStart = start + 25;
    long dbStart = fnStart + 20;
    long dbEnd = dbStart + dbMs;
    long fnEnd = dbEnd + 5;
    long end = fnEnd + 5;
    List<LogEvent> events = new ArrayList<>();
    events.add(
        event(
            traceId, "gw", start, API, ROUTE, "INFO", "GET /orders/42 200", EventKind.ACCESS_LOG));
    events.add(
        event(
            traceId,
            "fn",
            fnStart,
            FUNCTION,
            null,
            "INFO",
            "START RequestId: 5a1c",
            EventKind.LAMBDA_START));
    events.add(
        event(
            traceId,
            "db",
            dbStart,
            DB,
            "SELECT",
            "INFO",
            "duration: " + dbMs + " ms  statement: SELECT * FROM orders WHERE id = $1",
            EventKind.APP));
    if (failed) {
      events.add(
          event(
              traceId,
              "err",
              dbEnd + 1,
              FUNCTION,
              null,
              "ERROR",
              "<script>alert(1)</script> order 42 failed",
              EventKind.APP));
    }
    List<Timeline.Segment> segments =
        List.of(
            new Timeline.Segment(API, ROUTE, start, end, end - start, 25, 1, 0, false, 1),
            new Timeline.Segment(
                FUNCTION,
                null,
                fnStart,
                fnEnd,
                fnEnd - fnStart,
                25,
                failed ? 3 : 2,
                failed ? 1 : 0,
                false,
                1),
            new Timeline.Segment(DB, "SELECT", dbStart, dbEnd, dbMs, dbMs, 1, 0, false, 1));
    return new Timeline(
        traceId,
        revision,
        revision == 1 ? TimelineStatus.COMPLETE : TimelineStatus.REVISED,
        start,
        end,
        end - start,
        new Timeline.Hop(API, ROUTE),
        List.of(API, FUNCTION, DB),
        segments,
        List.of(new Timeline.Gap(API, FUNCTION, null, start + 10, fnStart, 15)),
        new Timeline.Bottleneck(
            Timeline.BottleneckKind.SEGMENT,
            DB,
            "SELECT",
            null,
            dbMs,
            (double) dbMs / (end - start)),
        flags,
        events,
        events.size(),
        List.of(
            new Timeline.Edge(API, FUNCTION, null, fnStart, fnEnd - fnStart, failed),
            new Timeline.Edge(FUNCTION, DB, "SELECT", dbStart, dbMs, false)));
  }

  static Timeline.Flag outlier(double observed, double baseline) {
    return new Timeline.Flag(
        FlagType.LATENCY_OUTLIER,
        API,
        ROUTE,
        observed,
        baseline,
        0.99,
        observed / baseline,
        "request took " + (long) observed + " ms, p99 of the route is " + (long) baseline + " ms");
  }

  static Doc timelineDoc(Timeline t) {
    return Documents.of(
        DocKind.TIMELINE, t.traceId().getBytes(StandardCharsets.UTF_8), Json.writeTimeline(t));
  }

  static Doc alertDoc(Timeline t) {
    return Documents.of(
        DocKind.ALERT, t.traceId().getBytes(StandardCharsets.UTF_8), Json.writeAlert(Alert.of(t)));
  }

  static Doc edgeDoc(ServiceEdgeStats edge) {
    return Documents.of(
        DocKind.SERVICE_EDGE,
        edge.key().getBytes(StandardCharsets.UTF_8),
        Json.writeEdgeStats(edge));
  }

  private static LogEvent event(
      String traceId,
      String id,
      long at,
      String service,
      String operation,
      String level,
      String message,
      EventKind kind) {
    return LogEvent.builder()
        .id(traceId.substring(0, 8) + "-" + id)
        .timestamp(at)
        .ingestedAt(at + 200)
        .trace(traceId, TraceIdFormat.HEX32)
        .service(service)
        .operation(operation)
        .logGroup("/aws/" + service)
        .logStream("stream-1")
        .level(level)
        .message(message)
        .kind(kind)
        .build();
  }
}
