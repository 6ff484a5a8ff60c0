package io.traceline.app.bench;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic request traces, built directly as the {@link LogEvent}s that ingest publishes to {@code
 * traceline.events} and shaped like the demo shop's: an API Gateway access log ({@code
 * shop-api-prod}), the {@code checkout-api} Lambda (START, Powertools JSON lines, END, REPORT), the
 * {@code inventory-svc} and {@code payments-svc} ECS services (span lines and FireLens JSON lines)
 * and, for a few orders, a slow {@code shop-db} statement.
 *
 * <p>A trace of {@code n} events keeps the first {@code n} of: the access log, the Lambda REPORT,
 * the inventory span, the Lambda START and END, the payments span; further events are application
 * lines of the Lambda or the two services (one of them a slow query in 5% of orders). So a trace of
 * 1-3 events still spans the gateway, the Lambda and a service, and one of 5-30 events spans four
 * or five services. Lines are as long as the demo's (about 300-700 bytes of message).
 *
 * <p>Deterministic: the same seed and the same calls give the same events (ids included). No
 * parsing and no gzip, so that millions of events take seconds. Not thread-safe.
 */
final class TraceWorkload {

  /** A generated trace: its id and its events in arrival order ({@code ingestedAt}, then time). */
  record Trace(String traceId, List<LogEvent> events) {
    Trace {
      events = List.copyOf(events);
    }
  }

  private static final String GATEWAY = "shop-api-prod";
  private static final String LAMBDA = "checkout-api";
  private static final String INVENTORY = "inventory-svc";
  private static final String PAYMENTS = "payments-svc";
  private static final String DB = "shop-db";
  private static final String GATEWAY_GROUP = "/aws/apigateway/shop-api-prod-access";
  private static final String LAMBDA_GROUP = "/aws/lambda/checkout-api";
  private static final String INVENTORY_GROUP = "/ecs/inventory-svc";
  private static final String PAYMENTS_GROUP = "/ecs/payments-svc";
  private static final String DB_GROUP = "/aws/rds/instance/shop-db/postgresql";
  private static final String[] ROUTES = {
    "GET /products", "GET /products/{id}", "POST /orders", "GET /orders/{id}", "POST /cart/items"
  };
  private static final String[] APP_MESSAGES = {
    "Received request",
    "Validating payload",
    "Cache miss, loading from store",
    "Calling upstream",
    "Upstream responded",
    "Serialising response"
  };
  private static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api";
  private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod";
  private static final Comparator<LogEvent> ARRIVAL_ORDER =
      Comparator.comparingLong(LogEvent::ingestedAt).thenComparingLong(LogEvent::timestamp);

  private final SplittableRandom random;
  private final String[] lambdaEnvironments = new String[16];
  private final String[] inventoryTasks = new String[2];
  private final String[] paymentsTasks = new String[2];
  private final String[] gatewayStreams = new String[4];
  private long sequence;

  /** A workload whose every choice follows from {@code seed}. */
  TraceWorkload(long seed) {
    this.random = new SplittableRandom(seed);
    fill(lambdaEnvironments);
    fill(inventoryTasks);
    fill(paymentsTasks);
    fill(gatewayStreams);
  }

  private void fill(String[] ids) {
    for (int i = 0; i < ids.length; i++) {
      ids[i] = hex32();
    }
  }

  /** A trace size drawn uniformly from {@code [min, max]}. */
  int eventCount(int min, int max) {
    return random.nextInt(min, max + 1);
  }

  /**
   * One trace of {@code eventCount} events whose request starts at {@code startMs}. Each service's
   * lines arrive together, {@code 0..maxLagMs} after they were written (CloudWatch's delivery lag
   * per log group); the lag is the events' {@code ingestedAt} minus their {@code timestamp}.
   */
  Trace next(long startMs, int eventCount, long maxLagMs) {
    return trace(new Request(startMs, false, -1), eventCount, new Lags(maxLagMs));
  }

  /**
   * One trace of {@code eventCount} events whose request ended at {@code endMs}, all of them
   * ingested at {@code arrivalMs} (not before {@code endMs}): live traffic, no event time after its
   * ingestion.
   */
  Trace endingAt(long endMs, long arrivalMs, int eventCount) {
    if (arrivalMs < endMs) {
      throw new IllegalArgumentException("a trace arrives after it ended");
    }
    return trace(new Request(endMs, true, arrivalMs), eventCount, new Lags(-1));
  }

  private Trace trace(Request r, int eventCount, Lags lags) {
    if (eventCount < 1) {
      throw new IllegalArgumentException("a trace needs an event, was " + eventCount);
    }
    List<LogEvent> events = new ArrayList<>(eventCount);
    for (int i = 0; i < eventCount; i++) {
      events.add(event(r, i, lags));
    }
    events.sort(ARRIVAL_ORDER);
    return new Trace(r.traceId, events);
  }

  /** The {@code i}-th event of a trace: the skeleton first, then app lines. */
  private LogEvent event(Request r, int i, Lags lags) {
    return switch (i) {
      case 0 -> accessLog(r, lags.gateway);
      case 1 -> lambdaReport(r, lags.lambda);
      case 2 -> span(r, INVENTORY, r.inventoryStart, r.inventoryEnd, lags.inventory);
      case 3 -> lambdaLine(r, r.lambdaStart, EventKind.LAMBDA_START, lags.lambda);
      case 4 -> lambdaLine(r, r.lambdaEnd, EventKind.LAMBDA_END, lags.lambda);
      case 5 -> span(r, PAYMENTS, r.paymentsStart, r.paymentsEnd, lags.payments);
      default -> {
        if (i == 6 && r.slowQueryMs > 0) {
          yield slowQuery(r, lags.db);
        }
        yield switch (random.nextInt(3)) {
          case 0 -> powertoolsLine(r, lags.lambda);
          case 1 -> fireLensLine(r, INVENTORY, r.inventoryStart, r.inventoryEnd, lags.inventory);
          default -> fireLensLine(r, PAYMENTS, r.paymentsStart, r.paymentsEnd, lags.payments);
        };
      }
    };
  }

  /**
   * The delivery lag of each log group, drawn once per trace; -1 for all when the events of a trace
   * are ingested together, at the request's {@code arrival}.
   */
  private final class Lags {
    final long gateway;
    final long lambda;
    final long inventory;
    final long payments;
    final long db;

    Lags(long maxLagMs) {
      gateway = lag(maxLagMs);
      lambda = lag(maxLagMs);
      inventory = lag(maxLagMs);
      payments = lag(maxLagMs);
      db = lag(maxLagMs);
    }

    private long lag(long max) {
      return max <= 0 ? max : random.nextLong(max + 1);
    }
  }

  /** The timing and identity of one request, drawn once per trace. */
  private final class Request {
    final String traceId;
    final String xrayId;
    final String route;
    final String gatewayRequestId;
    final String lambdaRequestId;
    final String environment;
    final String inventoryTask;
    final String paymentsTask;
    final String gatewayStream;
    final String date;
    final long batch;
    final long start;
    final long lambdaStart;
    final long inventoryStart;
    final long inventoryEnd;
    final long slowQueryMs;
    final long paymentsStart;
    final long paymentsEnd;
    final long lambdaEnd;
    final long end;
    final long arrival;
    final int status;

    /**
     * A request starting at {@code anchorMs}, or ending then when {@code anchorIsEnd}; {@code
     * arrivalMs} is when its events are ingested when they are ingested together, else -1.
     */
    Request(long anchorMs, boolean anchorIsEnd, long arrivalMs) {
      arrival = arrivalMs;
      route = ROUTES[random.nextInt(ROUTES.length)];
      slowQueryMs = route.startsWith("POST /orders") && random.nextInt(20) == 0 ? ms(600, 1400) : 0;
      // Times relative to the start first, then moved to the anchor.
      long lambdaFrom = ms(2, 8);
      long inventoryFrom = lambdaFrom + ms(5, 15);
      long inventoryTo = inventoryFrom + ms(15, 60) + exponential(40) + slowQueryMs;
      long paymentsFrom = inventoryTo + ms(1, 5);
      long paymentsTo = paymentsFrom + ms(20, 60) + exponential(60);
      long lambdaTo = paymentsTo + ms(2, 10);
      long to = lambdaTo + ms(2, 6);
      start = anchorIsEnd ? anchorMs - to : anchorMs;
      lambdaStart = start + lambdaFrom;
      inventoryStart = start + inventoryFrom;
      inventoryEnd = start + inventoryTo;
      paymentsStart = start + paymentsFrom;
      paymentsEnd = start + paymentsTo;
      lambdaEnd = start + lambdaTo;
      end = start + to;
      long seconds = start / 1000;
      String rest = hex32().substring(8);
      traceId = hex(seconds, 8) + rest;
      xrayId = "1-" + hex(seconds, 8) + "-" + rest;
      gatewayRequestId = uuid();
      lambdaRequestId = uuid();
      environment = lambdaEnvironments[random.nextInt(lambdaEnvironments.length)];
      inventoryTask = inventoryTasks[random.nextInt(inventoryTasks.length)];
      paymentsTask = paymentsTasks[random.nextInt(paymentsTasks.length)];
      gatewayStream = gatewayStreams[random.nextInt(gatewayStreams.length)];
      date = LocalDate.ofEpochDay(Math.floorDiv(start, 86_400_000L)).toString().replace('-', '/');
      batch = random.nextLong() & Long.MAX_VALUE;
      status = random.nextInt(100) == 0 ? 502 : route.startsWith("POST") ? 201 : 200;
    }

    long duration() {
      return end - start;
    }
  }

  private LogEvent accessLog(Request r, long lag) {
    String path = "/prod" + r.route.substring(r.route.indexOf(' ') + 1);
    String message =
        "{\"requestTime\":\""
            + r.date
            + "\",\"requestId\":\""
            + r.gatewayRequestId
            + "\",\"extendedRequestId\":\"ZFrkoS9vpa1p5KA=\",\"httpMethod\":\""
            + r.route.substring(0, r.route.indexOf(' '))
            + "\",\"path\":\""
            + path
            + "\",\"status\":"
            + r.status
            + ",\"responseLatency\":"
            + r.duration()
            + ",\"xrayTraceId\":\""
            + r.xrayId
            + "\",\"integrationRequestId\":\""
            + r.lambdaRequestId
            + "\",\"integrationLatency\":\""
            + (r.lambdaEnd - r.lambdaStart)
            + "\",\"ip\":\"198.51.100.69\",\"userAgent\":\"Mozilla/5.0 (Windows NT 10.0; Win64;"
            + " x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\"}";
    return base(r, r.start, lag, GATEWAY, GATEWAY_GROUP, r.gatewayStream, EventKind.ACCESS_LOG)
        .requestId(r.gatewayRequestId)
        .operation(r.route)
        .level(r.status >= 500 ? "ERROR" : "INFO")
        .message(message)
        .durationMs((double) r.duration())
        .status(Integer.toString(r.status))
        .attributes(
            Map.of(
                "integrationLatencyMs",
                Long.toString(r.lambdaEnd - r.lambdaStart),
                "integrationRequestId",
                r.lambdaRequestId,
                "path",
                path))
        .build();
  }

  private LogEvent lambdaReport(Request r, long lag) {
    long ms = r.lambdaEnd - r.lambdaStart;
    String message =
        "REPORT RequestId: "
            + r.lambdaRequestId
            + "\tDuration: "
            + ms
            + ".00 ms\tBilled Duration: "
            + ms
            + " ms\tMemory Size: 512 MB\tMax Memory Used: 87 MB\t\nXRAY TraceId: "
            + r.xrayId
            + "\tSampled: true\t";
    return lambda(r, r.lambdaEnd, lag, EventKind.LAMBDA_REPORT)
        .message(message)
        .durationMs((double) ms)
        .attributes(
            Map.of(
                "billedDurationMs", Long.toString(ms),
                "maxMemoryUsedMb", "87",
                "memorySizeMb", "512"))
        .build();
  }

  private LogEvent lambdaLine(Request r, long at, EventKind kind, long lag) {
    String message =
        (kind == EventKind.LAMBDA_START ? "START RequestId: " : "END RequestId: ")
            + r.lambdaRequestId
            + (kind == EventKind.LAMBDA_START ? " Version: $LATEST" : "");
    return lambda(r, at, lag, kind)
        .message(message)
        .attributes(Map.of("traceFrom", "requestId"))
        .build();
  }

  private LogEvent powertoolsLine(Request r, long lag) {
    long at = between(r.lambdaStart, r.lambdaEnd);
    String text = APP_MESSAGES[random.nextInt(APP_MESSAGES.length)];
    String message =
        "{\"level\":\"INFO\",\"location\":\"lambda_handler:"
            + (20 + random.nextInt(60))
            + "\",\"message\":\""
            + text
            + "\",\"timestamp\":\""
            + at
            + "\",\"service\":\"checkout\",\"cold_start\":false,\"function_name\":\"checkout-api\","
            + "\"function_memory_size\":512,\"function_arn\":\""
            + ARN
            + "\",\"function_request_id\":\""
            + r.lambdaRequestId
            + "\",\"correlation_id\":\""
            + r.gatewayRequestId
            + "\",\"xray_trace_id\":\""
            + r.xrayId
            + "\"}";
    return lambda(r, at, lag, EventKind.APP)
        .level("INFO")
        .message(message)
        .attributes(Map.of("appService", "checkout"))
        .build();
  }

  private LogEvent.Builder lambda(Request r, long at, long lag, EventKind kind) {
    return base(r, at, lag, LAMBDA, LAMBDA_GROUP, r.date + "/[$LATEST]" + r.environment, kind)
        .requestId(r.lambdaRequestId);
  }

  private LogEvent span(Request r, String service, long from, long to, long lag) {
    return fireLens(r, service, from, lag, EventKind.SPAN, "request completed", to - from);
  }

  private LogEvent fireLensLine(Request r, String service, long from, long to, long lag) {
    String text = APP_MESSAGES[random.nextInt(APP_MESSAGES.length)];
    return fireLens(r, service, between(from, to), lag, EventKind.APP, text, -1);
  }

  private LogEvent fireLens(
      Request r, String service, long at, long lag, EventKind kind, String text, long ms) {
    boolean inventory = service.equals(INVENTORY);
    String task = inventory ? r.inventoryTask : r.paymentsTask;
    String spanId = r.traceId.substring(inventory ? 0 : 16, inventory ? 16 : 32);
    String log =
        "{\\\"level\\\":\\\"info\\\",\\\"ts\\\":"
            + at
            + ",\\\"msg\\\":\\\""
            + text
            + "\\\",\\\"trace_id\\\":\\\""
            + r.xrayId
            + "\\\",\\\"span_id\\\":\\\""
            + spanId
            + "\\\",\\\"route\\\":\\\""
            + r.route
            + (ms >= 0 ? "\\\",\\\"duration_ms\\\":" + ms + "}" : "\\\"}");
    String message =
        "{\"source\":\"stdout\",\"log\":\""
            + log
            + "\",\"container_id\":\""
            + task
            + task
            + "\",\"container_name\":\"/ecs-"
            + service
            + "-7-app\",\"ecs_cluster\":\""
            + CLUSTER
            + "\",\"ecs_task_arn\":\"arn:aws:ecs:us-east-1:123456789012:task/shop-prod/"
            + task
            + "\",\"ecs_task_definition\":\""
            + service
            + ":7\"}";
    LogEvent.Builder b =
        base(
                r,
                at,
                lag,
                service,
                inventory ? INVENTORY_GROUP : PAYMENTS_GROUP,
                service + "/app/" + task,
                kind)
            .spanId(spanId)
            .level("INFO")
            .message(message);
    if (ms >= 0) {
      b.durationMs((double) ms);
    }
    return b.build();
  }

  private LogEvent slowQuery(Request r, long lag) {
    long at = r.inventoryEnd - 2;
    String message =
        "2025-11-14 09:12:00 UTC:10.0.3.17(52144):shop@shop:[4242]:LOG:  duration: "
            + r.slowQueryMs
            + ".417 ms  statement: UPDATE inventory SET reserved = reserved + 1 WHERE sku ="
            + " 'SKU-5614' /* traceparent='00-"
            + r.traceId
            + "-"
            + r.traceId.substring(0, 16)
            + "-01' */";
    return base(r, at, lag, DB, DB_GROUP, "shop-db.0", EventKind.DB_SLOW_QUERY)
        .operation("UPDATE inventory")
        .level("LOG")
        .message(message)
        .durationMs((double) r.slowQueryMs)
        .build();
  }

  private LogEvent.Builder base(
      Request r,
      long at,
      long lag,
      String service,
      String logGroup,
      String logStream,
      EventKind kind) {
    return LogEvent.builder()
        .id(eventId(at, r.batch, sequence++))
        .timestamp(at)
        .ingestedAt(lag < 0 ? r.arrival : at + lag) // lag -1: all ingested together
        .trace(r.traceId, TraceIdFormat.XRAY)
        .service(service)
        .logGroup(logGroup)
        .logStream(logStream)
        .kind(kind);
  }

  /**
   * A 56-digit decimal id in the shape of CloudWatch's: the time (13 digits), a per-request batch
   * number (19) and a sequence (24), so ids are unique and grow with time within a stream.
   */
  private static String eventId(long at, long batch, long sequence) {
    StringBuilder id = new StringBuilder(56);
    pad(id, at, 13);
    pad(id, batch, 19);
    pad(id, sequence, 24);
    return id.toString();
  }

  private static void pad(StringBuilder to, long value, int digits) {
    String s = Long.toString(value);
    for (int i = s.length(); i < digits; i++) {
      to.append('0');
    }
    to.append(s);
  }

  private long ms(int min, int max) {
    return random.nextInt(min, max + 1);
  }

  private long exponential(double mean) {
    return (long) (-mean * Math.log(1 - random.nextDouble()));
  }

  private long between(long from, long to) {
    return to <= from ? from : from + random.nextLong(to - from + 1);
  }

  private String uuid() {
    String h = hex32();
    return h.substring(0, 8)
        + '-'
        + h.substring(8, 12)
        + '-'
        + h.substring(12, 16)
        + '-'
        + h.substring(16, 20)
        + '-'
        + h.substring(20);
  }

  private String hex32() {
    return hex(random.nextLong(), 16) + hex(random.nextLong(), 16);
  }

  private static String hex(long value, int digits) {
    String h = Long.toHexString(value);
    return h.length() >= digits ? h : "0".repeat(digits - h.length()) + h;
  }
}
