package io.traceline.correlator;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;

/** Builds realistic events for tests: one request through API Gateway, Lambda, ECS and RDS. */
public final class Events {

  public static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";
  public static final String OTHER = "6916f27d2f6a9c1e4b7d3a8c5e0f1b2d";

  private Events() {}

  public static LogEvent.Builder event(String traceId, String id, long ts, String service) {
    return LogEvent.builder()
        .id(id)
        .timestamp(ts)
        .ingestedAt(ts + 1000)
        .trace(traceId, traceId == null ? null : TraceIdFormat.XRAY)
        .service(service)
        .logGroup("/test/" + service)
        .logStream("stream")
        .message("line " + id);
  }

  /**
   * A span record as ingest makes it from an OpenTelemetry or Zipkin span: kind SPAN, timestamp =
   * start, the span's role in {@code spanKind} (null for none).
   */
  public static LogEvent.Builder span(
      String traceId,
      String id,
      long start,
      long durationMs,
      String service,
      String operation,
      String spanKind,
      String spanId,
      String parentSpanId) {
    return event(traceId, id, start, service)
        .kind(EventKind.SPAN)
        .operation(operation)
        .durationMs((double) durationMs)
        .spanId(spanId)
        .parentSpanId(parentSpanId)
        .attributes(
            spanKind == null ? java.util.Map.of() : java.util.Map.of(LogEvent.SPAN_KIND, spanKind));
  }

  /**
   * A request arriving at {@code t0}: API Gateway (2358 ms latency) -> checkout Lambda (cold start)
   * -> inventory-svc on ECS -> a 990 ms statement on shop-db.
   */
  public static java.util.List<LogEvent> slowQueryRequest(String traceId, long t0) {
    return java.util.List.of(
        event(traceId, traceId + "-01", t0, "shop-api")
            .kind(EventKind.ACCESS_LOG)
            .operation("POST /orders")
            .durationMs(1100.0)
            .status("200")
            .build(),
        event(traceId, traceId + "-02", t0 + 10, "checkout-api")
            .kind(EventKind.LAMBDA_START)
            .build(),
        event(traceId, traceId + "-03", t0 + 20, "checkout-api")
            .message("calling inventory-svc")
            .level("INFO")
            .build(),
        event(traceId, traceId + "-04", t0 + 25, "inventory-svc")
            .message("reserve stock")
            .level("INFO")
            .build(),
        event(traceId, traceId + "-05", t0 + 1020, "shop-db")
            .kind(EventKind.DB_SLOW_QUERY)
            .durationMs(990.0)
            .operation("UPDATE")
            .message("LOG:  duration: 990.000 ms  execute <unnamed>: UPDATE stock")
            .build(),
        event(traceId, traceId + "-06", t0 + 1030, "inventory-svc")
            .message("stock reserved")
            .level("WARN")
            .build(),
        event(traceId, traceId + "-07", t0 + 1040, "checkout-api")
            .kind(EventKind.LAMBDA_END)
            .build(),
        event(traceId, traceId + "-08", t0 + 1040, "checkout-api")
            .kind(EventKind.LAMBDA_REPORT)
            .durationMs(1030.0)
            .attribute(LogEvent.COLD_START, "true")
            .attribute(LogEvent.INIT_DURATION_MS, "5.5")
            .build());
  }
}
