package io.traceline.ingest.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.traceline.model.EventKind;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * JSON lines: structured application logs (Powertools, OTel log records, ECS logging, pino...), ECS
 * FireLens records (the line in {@code log}, itself possibly JSON), Lambda's JSON log format
 * (platform records {@code {time,type,record}} and app records whose {@code message} may be a
 * string holding JSON), and API Gateway access logs ({@code "-"} for missing values, numbers as
 * numbers or strings, invalid JSON from unquoted missing variables repaired). Pure and thread-safe.
 */
final class JsonLineParser {

  static final String REPAIRED_JSON = "repairedJson";

  private static final ObjectReader READER = Json.MAPPER.reader();

  /** An unquoted missing value {@code "x":-} (or an empty one {@code "x":,}). */
  private static final Pattern UNQUOTED_MISSING = Pattern.compile("([:\\[,]\\s*)-?(\\s*[,}\\]])");

  private static final String[] TRACE_KEYS = {
    "traceparent",
    "xray_trace_id",
    "xrayTraceId",
    "XRayTraceId",
    "AWS-XRAY-TRACE-ID",
    "traceId",
    "trace_id",
    "traceID",
    "TraceId",
    "trace.id",
    "X-Amzn-Trace-Id",
    "x-amzn-trace-id",
    "AWSTraceHeader",
    "_X_AMZN_TRACE_ID"
  };
  private static final String[] SPAN_KEYS = {"span_id", "spanId", "span.id", "SpanId"};
  private static final String[] PARENT_SPAN_KEYS = {"parent_span_id", "parentSpanId", "parent_id"};
  private static final String[] LEVEL_KEYS = {
    "level",
    "severity",
    "levelname",
    "severityText",
    "log.level",
    "Level",
    "loglevel",
    "lvl",
    "log_level",
    "LogLevel"
  };
  private static final String[] REQUEST_ID_KEYS = {
    "function_request_id",
    "lambda_request_id",
    "requestId",
    "FunctionRequestId",
    "request_id",
    "awsRequestId",
    "aws_request_id",
    "AWSRequestId"
  };
  private static final String[] SERVICE_KEYS = {
    "service", "service.name", "serviceName", "service_name", "ServiceName", "Service"
  };
  private static final String[] ERROR_TYPE_KEYS = {
    "exception_name",
    "errorType",
    "error_type",
    "error.type",
    "exception.type",
    "ExceptionName",
    "exceptionType"
  };
  private static final String[] ERROR_TEXT_KEYS = {"error", "err", "errorMessage", "Error"};
  private static final String[] DURATION_KEYS = {
    "durationMs", "duration_ms", "latency_ms", "latencyMs", "elapsed_ms", "took_ms"
  };
  private static final String[] NESTED_MESSAGE_KEYS = {"message", "msg", "Message", "body"};

  private JsonLineParser() {}

  /** Parses a JSON line; false when it is not a JSON object even after repair. */
  static boolean parse(LogSource source, String line, Fields f) {
    JsonNode root = readObject(line);
    if (root == null) {
      String repaired = UNQUOTED_MISSING.matcher(line).replaceAll("$1\"-\"$2");
      if (!repaired.equals(line)) {
        root = readObject(repaired);
      }
      if (root == null) {
        return false;
      }
      f.attribute(REPAIRED_JSON, "true");
    }
    JsonNode type = root.get("type");
    JsonNode record = root.get("record");
    if (type != null
        && type.isTextual()
        && type.asText().startsWith("platform.")
        && record != null
        && record.isObject()) {
      platform(type.asText(), root, record, f);
      return true;
    }
    if (source.type() == LogSource.Type.APIGATEWAY_ACCESS
        || (!source.isLambda() && looksLikeAccessLog(root))) {
      accessLog(root, f);
      return true;
    }
    extract(root, f, 0);
    finishApp(line, f);
    return true;
  }

  /** JSON embedded in a text line (after a Lambda text prefix); ignored when it does not parse. */
  static void extractEmbedded(String json, Fields f) {
    JsonNode node = readObject(json);
    if (node != null) {
      extract(node, f, 1);
    }
  }

  /** The object in {@code text}, or null when it is not a JSON object. */
  private static JsonNode readObject(String text) {
    try {
      JsonNode node = READER.readTree(text);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null; // invalid JSON is expected input here, not an error
    }
  }

  // ---------------------------------------------------------------------------------------------
  // application records

  private static void extract(JsonNode node, Fields f, int depth) {
    for (String key : TRACE_KEYS) {
      if (f.trace != null) {
        break;
      }
      f.traceFrom(text(node, key));
    }
    if (f.trace == null) {
      JsonNode trace = node.get("trace");
      if (trace != null) {
        f.traceFrom(trace.isObject() ? text(trace, "id") : text(trace));
      }
    }
    f.spanId(first(node, SPAN_KEYS));
    JsonNode span = node.get("span");
    if (f.spanId == null && span != null && span.isObject()) {
      f.spanId(text(span, "id"));
    }
    f.parentSpanId(first(node, PARENT_SPAN_KEYS));
    f.requestId(first(node, REQUEST_ID_KEYS));
    f.level(level(node));
    f.service(first(node, SERVICE_KEYS));
    JsonNode service = node.get("service");
    if (service != null && service.isObject()) {
      f.service(text(service, "name"));
    }
    f.operation(text(node, "operation"));
    for (String key : DURATION_KEYS) {
      f.durationMs(number(node.get(key)));
    }
    f.error(first(node, ERROR_TYPE_KEYS));
    if (f.errorText == null) {
      f.errorText = first(node, ERROR_TEXT_KEYS);
    }
    JsonNode error = node.get("error");
    if (error != null && error.isObject()) {
      f.error(text(error, "type"));
    }
    JsonNode exception = node.get("exception");
    if (exception != null && exception.isObject()) {
      f.error(text(exception, "type"));
    }

    // ECS FireLens: the container's line is in "log", possibly JSON itself
    JsonNode log = node.get("log");
    if (log != null && log.isTextual()) {
      String inner = log.asText().strip();
      if (depth < 2 && inner.startsWith("{") && inner.endsWith("}")) {
        JsonNode innerNode = readObject(inner);
        if (innerNode != null) {
          extract(innerNode, f, depth + 1);
        } else {
          TextScan.scanPlain(inner, f);
        }
      } else {
        TextScan.scanPlain(inner, f);
      }
      f.service(ServiceNames.taskDefinitionFamily(text(node, "ecs_task_definition")));
      f.service(ServiceNames.containerService(text(node, "container_name")));
      if ("stderr".equals(text(node, "source"))) {
        f.attribute("stream", "stderr");
      }
    }
    // Lambda JSON log format (and loggers that log JSON strings): a message holding JSON
    if (depth < 2) {
      for (String key : NESTED_MESSAGE_KEYS) {
        JsonNode message = node.get(key);
        if (message != null && message.isTextual()) {
          String inner = message.asText().strip();
          if (inner.startsWith("{") && inner.endsWith("}")) {
            JsonNode innerNode = readObject(inner);
            if (innerNode != null) {
              extract(innerNode, f, depth + 1);
            }
          }
          break;
        }
      }
    }
  }

  /** After every level of nesting is read: error text, error hints. */
  private static void finishApp(String line, Fields f) {
    if (f.error == null && !f.isRoutineLevel()) {
      String text = f.errorText;
      if (text != null) {
        TextScan.Hint hint = TextScan.findError(text);
        f.error(hint != null ? hint.error() : text);
      } else {
        TextScan.applyErrorHint(line, f);
      }
    }
  }

  private static String level(JsonNode node) {
    for (String key : LEVEL_KEYS) {
      JsonNode value = node.get(key);
      if (value == null) {
        continue;
      }
      if (value.isTextual() && !value.asText().isBlank()) {
        return value.asText();
      }
      if (value.isIntegralNumber()) {
        return pinoLevel(value.asInt());
      }
    }
    JsonNode log = node.get("log");
    if (log != null && log.isObject()) {
      return text(log, "level");
    }
    return null;
  }

  /** pino / bunyan numeric levels. */
  private static String pinoLevel(int level) {
    if (level >= 60) {
      return "FATAL";
    } else if (level >= 50) {
      return "ERROR";
    } else if (level >= 40) {
      return "WARN";
    } else if (level >= 30) {
      return "INFO";
    } else if (level >= 20) {
      return "DEBUG";
    }
    return "TRACE";
  }

  // ---------------------------------------------------------------------------------------------
  // Lambda JSON log format: platform records

  private static void platform(String type, JsonNode root, JsonNode record, Fields f) {
    f.timestamp = isoMillis(text(root, "time"));
    f.requestId(text(record, "requestId"));
    JsonNode tracing = record.get("tracing");
    if (tracing != null && tracing.isObject()) {
      f.traceFrom(text(tracing, "value"));
      f.spanId(text(tracing, "spanId"));
    }
    f.status(text(record, "status"));
    f.error(text(record, "errorType"));
    JsonNode metrics = record.get("metrics");
    switch (type) {
      case "platform.initStart" -> {
        f.kind = EventKind.LAMBDA_INIT;
        f.attribute(LogEvent.COLD_START, "true");
        f.attribute("initializationType", text(record, "initializationType"));
        f.attribute("phase", text(record, "phase"));
        f.attribute("runtimeVersion", text(record, "runtimeVersion"));
        f.service(text(record, "functionName"));
      }
      case "platform.initReport", "platform.initRuntimeDone" -> {
        f.kind = EventKind.LAMBDA_INIT;
        f.attribute("phase", text(record, "phase"));
        if (metrics != null && "platform.initReport".equals(type)) {
          f.durationMs(number(metrics.get("durationMs")));
          f.attribute(LogEvent.INIT_DURATION_MS, text(metrics, "durationMs"));
          f.attribute(LogEvent.COLD_START, "true");
        }
      }
      case "platform.start" -> {
        f.kind = EventKind.LAMBDA_START;
        f.attribute("version", text(record, "version"));
        f.service(functionFromArn(text(record, "functionArn")));
      }
      case "platform.runtimeDone" -> {
        f.kind = EventKind.LAMBDA_END;
        if (metrics != null) {
          f.durationMs(number(metrics.get("durationMs")));
        }
      }
      case "platform.report" -> {
        f.kind = EventKind.LAMBDA_REPORT;
        if (metrics != null) {
          f.durationMs(number(metrics.get("durationMs")));
          f.attribute("billedDurationMs", text(metrics, "billedDurationMs"));
          f.attribute("memorySizeMb", text(metrics, "memorySizeMB"));
          f.attribute("maxMemoryUsedMb", text(metrics, "maxMemoryUsedMB"));
          String init = text(metrics, "initDurationMs");
          if (init != null) {
            f.attribute(LogEvent.INIT_DURATION_MS, init);
            f.attribute(LogEvent.COLD_START, "true");
          }
          String restore = text(metrics, "restoreDurationMs");
          if (restore != null) {
            f.attribute("restoreDurationMs", restore);
            f.attribute(LogEvent.COLD_START, "true");
          }
        }
      }
      default -> f.attribute("platformType", type);
    }
    LambdaTextParser.finishReport(f);
  }

  private static String functionFromArn(String arn) {
    if (arn == null) {
      return null;
    }
    int at = arn.indexOf(":function:");
    if (at < 0) {
      return null;
    }
    String rest = arn.substring(at + 10);
    int colon = rest.indexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }

  /** Epoch ms of an ISO-8601 instant, or null (the CloudWatch timestamp is kept). */
  private static Long isoMillis(String time) {
    if (time == null) {
      return null;
    }
    try {
      return Instant.parse(time).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // API Gateway access logs

  private static boolean looksLikeAccessLog(JsonNode node) {
    return node.has("requestId")
        && (node.has("httpMethod")
            || node.has("status")
            || node.has("resourcePath")
            || node.has("routeKey"));
  }

  private static void accessLog(JsonNode node, Fields f) {
    f.kind = EventKind.ACCESS_LOG;
    f.requestId(text(node, "requestId"));
    f.traceFrom(text(node, "xrayTraceId"));
    for (String key : TRACE_KEYS) {
      f.traceFrom(text(node, key));
    }
    f.durationMs(number(node.get("responseLatency")));
    f.durationMs(number(node.get("integrationLatency")));
    f.durationMs(number(node.get("latency")));
    String status = text(node, "status");
    f.status(status);
    String route = text(node, "routeKey");
    if (Fields.present(route) && !"$default".equals(route)) {
      f.operation(route);
    }
    String method = Fields.present(text(node, "httpMethod")) ? text(node, "httpMethod") : null;
    if (method == null) {
      method = text(node, "method");
    }
    String resource = text(node, "resourcePath");
    if (Fields.present(method) && Fields.present(resource)) {
      f.operation(method + " " + resource);
    } else if (Fields.present(method)) {
      f.operation(method);
    }
    Double epoch = number(node.get("requestTimeEpoch"));
    if (epoch != null) {
      f.timestamp = epoch.longValue(); // request arrival, as CloudWatch's timestamp
    }
    attribute(f, "integrationRequestId", text(node, "integrationRequestId"));
    attribute(f, "integrationLatencyMs", text(node, "integrationLatency"));
    attribute(f, "integrationStatus", text(node, "integrationStatus"));
    attribute(f, "integrationStatus", text(node, "functionResponseStatus"));
    attribute(f, "path", text(node, "path"));
    String errorMessage = text(node, "errorMessage");
    attribute(f, "errorMessage", errorMessage);
    attribute(f, "integrationErrorMessage", text(node, "integrationErrorMessage"));
    int code = status != null && Numbers.isDecimal(status) ? (int) Double.parseDouble(status) : 0;
    if (code >= 500) {
      f.level("ERROR");
      if (Fields.present(errorMessage)) {
        TextScan.Hint hint = TextScan.findError(errorMessage);
        f.error(hint != null ? hint.error() : errorMessage);
      }
    } else if (code >= 400) {
      f.level("WARN");
    } else {
      f.level("INFO");
    }
  }

  private static void attribute(Fields f, String key, String value) {
    if (Fields.present(value)) {
      f.attribute(key, value);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A scalar field as text (numbers included); null for missing, null, objects and arrays. */
  private static String text(JsonNode node, String key) {
    return text(node.get(key));
  }

  private static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    return value.asText();
  }

  private static String first(JsonNode node, String[] keys) {
    for (String key : keys) {
      String value = text(node, key);
      if (Fields.present(value)) {
        return value;
      }
    }
    return null;
  }

  /** A number given as a JSON number or as a numeric string; null for {@code "-"} and others. */
  private static Double number(JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual()) {
      return Numbers.decimal(value.asText().trim());
    }
    return null;
  }
}
