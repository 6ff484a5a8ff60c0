package io.traceline.app.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plays one request through API Gateway, Lambda, inventory-svc (ECS) and PostgreSQL (RDS) and
 * returns the lines each service writes, with consistent times, plus the ground truth. All choices
 * come from one {@link Dice}, in a fixed order, so a seed reproduces the run. Not thread-safe.
 *
 * <p>Timing, from the arrival {@code t0}: API Gateway starts the integration 2-5 ms later and
 * invokes Lambda 3-10 ms after that (a cold start runs INIT first); the handler logs, works 15-35
 * ms and calls inventory-svc (1-5 ms network); inventory-svc works 8-20 ms, runs one statement
 * (3-40 ms, or 700-1500 ms with the slow-query fault; RDS logs it when over 100 ms), may call the
 * payment provider (30-50 ms, or a 3000 ms connect timeout) and answers; Lambda logs and ends; API
 * Gateway answers 2-7 ms later. A request without faults takes 40-200 ms.
 */
final class RequestSimulator {

  private static final List<String> USER_AGENTS =
      List.of(
          "okhttp/4.12.0",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
              + " like Gecko) Mobile/15E148",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/131.0.0.0 Safari/537.36",
          "shop-ios/3.14.2 CFNetwork/1568.200.51 Darwin/24.1.0");

  private static final String HTTP_ERROR_TRACEBACK =
      "Traceback (most recent call last):\n"
          + "  File \"/var/task/app/handler.py\", line 47, in lambda_handler\n"
          + "    result = inventory.call(operation, payload)\n"
          + "  File \"/var/task/app/inventory.py\", line 31, in call\n"
          + "    resp.raise_for_status()\n"
          + "  File \"/var/task/requests/models.py\", line 1024, in raise_for_status\n"
          + "    raise HTTPError(http_error_msg, response=self)\n"
          + "requests.exceptions.HTTPError: 504 Server Error: Gateway Timeout for url: http://"
          + Shop.INVENTORY_HOST
          + ":8080/v1/reservations";

  /** What one simulated request left behind. */
  record Simulated(List<LogLine> lines, ShopWorkload.RequestTruth truth) {}

  private final ShopWorkload.Settings settings;
  private final Dice dice;
  private final LambdaFleet fleet;
  private final InventoryTasks tasks;
  private final String accessLogStream;

  RequestSimulator(
      ShopWorkload.Settings settings, Dice dice, LambdaFleet fleet, InventoryTasks tasks) {
    this.settings = settings;
    this.dice = dice;
    this.fleet = fleet;
    this.tasks = tasks;
    this.accessLogStream = dice.hex(32);
  }

  Simulated simulate(long t0) {
    Route route = Route.pick(dice);
    boolean slowQuery = route.canQuerySlowly() && dice.chance(settings.slowQueryRate());
    boolean timeout = route.callsPayments() && dice.chance(settings.thirdPartyTimeoutRate());
    boolean injectCold = dice.chance(settings.coldStartRate());
    Request request = new Request(route, t0, slowQuery, timeout);

    long integrationStart = t0 + dice.between(2, 5);
    long invokeAt = integrationStart + dice.between(3, 10);
    LambdaFleet.Environment environment = fleet.acquire(invokeAt, injectCold);
    boolean cold = environment.isNew();
    long start = invokeAt;
    double initMs = -1;
    if (cold) {
      initMs = hundredths(250, 900);
      start = invokeAt + (long) Math.ceil(initMs) + dice.between(0, 1);
      request.lambda(invokeAt, environment, LambdaLines.initStart());
    }
    request.lambda(start, environment, LambdaLines.start(request.lambdaRequestId));
    LambdaLines.Powertools.Context context =
        new LambdaLines.Powertools.Context(
            request.lambdaRequestId, request.apiRequestId, request.xrayTraceId, cold);

    long received = start + dice.between(1, 3);
    request.lambda(received, environment, receivedLine(request, received, context));
    long callAt = received + dice.between(15, 35);
    request.lambda(callAt, environment, callingLine(request, callAt, context));

    InventoryOutcome outcome = inventory(request, callAt + dice.between(1, 5));

    long back = outcome.respondedAt() + dice.between(1, 5);
    int apiStatus = route.successStatus();
    if (timeout) {
      boolean handled = dice.chance(0.7);
      apiStatus = handled ? 504 : 502;
      request.lambda(back, environment, upstreamErrorLine(back, context, handled));
    } else {
      long done = back + dice.between(1, 8);
      request.lambda(done, environment, doneLine(request, done, context, start));
      back = done;
    }
    long end = back + dice.between(1, 3);
    double durationMs = Math.max(0.5, (end - start) - dice.between(5, 95) / 100.0);
    request.lambda(end, environment, LambdaLines.end(request.lambdaRequestId));
    request.lambda(
        end,
        environment,
        LambdaLines.report(
            request.lambdaRequestId,
            durationMs,
            initMs,
            environment.memoryUsedMb(),
            request.xrayTraceId,
            dice.hex(16)));
    fleet.release(environment, end);

    long integrationEnd = end + dice.between(1, 4);
    long responseAt = integrationEnd + dice.between(1, 3);
    long responseLatency = responseAt - t0;
    request.lines.add(
        new LogLine(
            Shop.API_ACCESS_LOG_GROUP,
            accessLogStream,
            t0,
            responseAt,
            AccessLogLine.render(
                new AccessLogLine.Values(
                    t0,
                    request.apiRequestId,
                    dice.alphanumeric(14) + "A=",
                    route.method(),
                    "/" + Shop.API_STAGE + request.path,
                    route.resourcePath(),
                    apiStatus,
                    responseLatency,
                    request.xrayTraceId,
                    request.lambdaRequestId,
                    "200",
                    integrationEnd - integrationStart,
                    "200",
                    clientIp(),
                    dice.pick(USER_AGENTS)))));

    ShopWorkload.RequestTruth truth =
        new ShopWorkload.RequestTruth(
            t0,
            responseAt,
            request.traceId,
            request.xrayTraceId,
            request.apiRequestId,
            request.lambdaRequestId,
            route.key(),
            apiStatus,
            cold,
            slowQuery,
            timeout,
            outcome.statementLogged());
    return new Simulated(request.lines, truth);
  }

  /** What inventory-svc did: when it answered and whether RDS logged its statement. */
  private record InventoryOutcome(long respondedAt, boolean statementLogged) {}

  private InventoryOutcome inventory(Request request, long receivedAt) {
    InventoryTasks.Task task = tasks.pick(dice);
    String traceId = dice.chance(0.25) ? request.xrayTraceId : request.traceId;
    String spanId = dice.hex(16);
    Route route = request.route;

    ObjectNode received =
        InventoryLines.traced("info", receivedAt, route.inventoryMessage(), traceId, spanId);
    received.put("method", route.method());
    received.put("route", route.resourcePath());
    if (route == Route.CREATE_ORDER) {
      received.put("sku", "SKU-" + dice.between(1000, 9999));
      received.put("qty", dice.between(1, 3));
    } else if (route == Route.GET_ORDER) {
      received.put("order_id", request.orderId);
    }
    request.inventory(task, receivedAt, received);

    long statementStart = receivedAt + dice.between(8, 20);
    double statementMs = request.slowQuery ? thousandths(700, 1500) : thousandths(3, 40);
    long statementEnd = statementStart + Math.round(statementMs);
    boolean logged = statementMs > Shop.LOG_MIN_DURATION_STATEMENT_MS;
    if (logged) {
      String traceparent = "00-" + request.traceId + "-" + dice.hex(16) + "-01";
      request.lines.add(
          LogLine.at(
              Shop.DB_LOG_GROUP,
              Shop.DB_LOG_STREAM,
              statementEnd,
              PostgresLines.slowStatement(
                  statementEnd,
                  task.ip(),
                  dice.pick(task.connections()),
                  statementMs,
                  route.statement(),
                  traceparent)));
    }
    long cursor = statementEnd + dice.between(1, 4);
    if (request.slowQuery) {
      ObjectNode warn = InventoryLines.traced("warn", cursor, "slow query", traceId, spanId);
      warn.put("db_duration_ms", Math.round(statementMs));
      warn.put("db_statement", route.statementSummary());
      request.inventory(task, cursor, warn);
    }

    int status = route == Route.CREATE_ORDER ? 201 : 200;
    if (route.callsPayments()) {
      long payStart = cursor + dice.between(1, 3);
      if (request.timeout) {
        long failedAt = payStart + Shop.PAYMENTS_TIMEOUT_MS + dice.between(0, 2);
        ObjectNode error =
            InventoryLines.traced(
                "error", failedAt, "payment provider call failed", traceId, spanId);
        error.put("upstream", Shop.PAYMENTS_HOST);
        error.put("err", "connect ETIMEDOUT " + Shop.PAYMENTS_ADDRESS);
        error.put("code", "ETIMEDOUT");
        error.put("duration_ms", failedAt - payStart);
        request.inventory(task, failedAt, error);
        cursor = failedAt;
        status = 504;
      } else {
        long paidAt = payStart + dice.between(30, 50);
        ObjectNode paid =
            InventoryLines.traced("info", paidAt, "payment authorized", traceId, spanId);
        paid.put("upstream", Shop.PAYMENTS_HOST);
        paid.put("duration_ms", paidAt - payStart);
        request.inventory(task, paidAt, paid);
        cursor = paidAt;
      }
    }
    long respondedAt = cursor + dice.between(1, 4);
    ObjectNode done =
        InventoryLines.traced(
            status >= 500 ? "error" : "info", respondedAt, "request completed", traceId, spanId);
    done.put("status", status);
    done.put("duration_ms", respondedAt - receivedAt);
    request.inventory(task, respondedAt, done);
    return new InventoryOutcome(respondedAt, logged);
  }

  private String receivedLine(Request request, long at, LambdaLines.Powertools.Context context) {
    String message =
        switch (request.route) {
          case CREATE_ORDER -> "Received order request";
          case GET_ORDER -> "Received order lookup";
          case LIST_PRODUCTS -> "Received product listing";
        };
    LambdaLines.Powertools line =
        new LambdaLines.Powertools("INFO", "lambda_handler:41", message, at, context)
            .with("http_method", request.route.method())
            .with("path", request.path);
    if (request.orderId != null) {
      line.with("order_id", request.orderId);
    }
    return line.render();
  }

  private static String callingLine(
      Request request, long at, LambdaLines.Powertools.Context context) {
    return new LambdaLines.Powertools("INFO", "call:24", "Calling inventory-svc", at, context)
        .with("upstream", Shop.INVENTORY_HOST)
        .with("operation", request.route.operation())
        .render();
  }

  private static String upstreamErrorLine(
      long at, LambdaLines.Powertools.Context context, boolean handled) {
    if (handled) {
      return new LambdaLines.Powertools(
              "ERROR", "lambda_handler:52", "Inventory service returned an error", at, context)
          .with("upstream", Shop.INVENTORY_HOST)
          .with("upstream_status", 504)
          .with("status_code", 504)
          .render();
    }
    return new LambdaLines.Powertools(
            "ERROR", "lambda_handler:49", "Unhandled error calling inventory-svc", at, context)
        .with("upstream", Shop.INVENTORY_HOST)
        .exception(HTTP_ERROR_TRACEBACK, "HTTPError")
        .render();
  }

  private static String doneLine(
      Request request, long at, LambdaLines.Powertools.Context context, long start) {
    String message =
        switch (request.route) {
          case CREATE_ORDER -> "Order created";
          case GET_ORDER -> "Order returned";
          case LIST_PRODUCTS -> "Products returned";
        };
    LambdaLines.Powertools line =
        new LambdaLines.Powertools("INFO", "lambda_handler:58", message, at, context)
            .with("status_code", request.route.successStatus())
            .with("handler_ms", at - start);
    if (request.orderId != null) {
      line.with("order_id", request.orderId);
    }
    return line.render();
  }

  private String clientIp() {
    return (dice.chance(0.5) ? "198.51.100." : "203.0.113.") + dice.between(2, 254);
  }

  /** A duration with two decimals, uniform in {@code [min, max)} ms. */
  private double hundredths(long min, long max) {
    return dice.between(min * 100, max * 100 - 1) / 100.0;
  }

  /** A duration with three decimals, uniform in {@code [min, max)} ms. */
  private double thousandths(long min, long max) {
    return dice.between(min * 1000, max * 1000 - 1) / 1000.0;
  }

  /** The identifiers of one request and the lines written so far. */
  private final class Request {
    final Route route;
    final boolean slowQuery;
    final boolean timeout;
    final String xrayTraceId;
    final String traceId;
    final String apiRequestId;
    final String lambdaRequestId;
    final String orderId;
    final String path;
    final List<LogLine> lines = new ArrayList<>();

    Request(Route route, long t0, boolean slowQuery, boolean timeout) {
      this.route = route;
      this.slowQuery = slowQuery;
      this.timeout = timeout;
      String epoch = String.format(Locale.ROOT, "%08x", t0 / 1000);
      String unique = dice.hex(24);
      this.xrayTraceId = "1-" + epoch + "-" + unique;
      this.traceId = epoch + unique;
      this.apiRequestId = dice.uuid();
      this.lambdaRequestId = dice.uuid();
      this.orderId =
          route == Route.LIST_PRODUCTS
              ? null
              : "ord_" + dice.alphanumeric(8).toUpperCase(Locale.ROOT);
      this.path = route.path(orderId == null ? "" : orderId);
    }

    void lambda(long at, LambdaFleet.Environment environment, String message) {
      lines.add(LogLine.at(Shop.LAMBDA_LOG_GROUP, environment.logStream(), at, message));
    }

    void inventory(InventoryTasks.Task task, long at, ObjectNode appLine) {
      lines.add(
          LogLine.at(
              Shop.INVENTORY_LOG_GROUP,
              task.logStream(),
              at,
              InventoryLines.record(task, appLine)));
    }
  }
}
