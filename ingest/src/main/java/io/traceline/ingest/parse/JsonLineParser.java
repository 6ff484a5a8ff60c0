package io.traceline.ingest.parse;

import com.fasterxml.jackson.databind.node.NumericNode;
import io.traceline.ingest.parse.JsonFields.Obj;
import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * JSON lines: structured application logs (Powertools, OTel log records, ECS logging, pino...), ECS
 * FireLens records (the line in {@code log}, itself possibly JSON), Lambda's JSON log format
 * (platform records {@code {time,type,record}} and app records whose {@code message} may be a
 * string holding JSON), and API Gateway access logs ({@code "-"} for missing values, numbers as
 * numbers or strings, invalid JSON from unquoted missing variables repaired), and span records
 * (Zipkin v2, OpenTelemetry: {@link SpanRecords}). Pure and thread-safe.
 *
 * <p>Lines are read in one streaming pass that keeps only the members named below ({@link
 * JsonFields}), not into a {@code JsonNode} tree: the JSON parse was most of the cost of the ingest
 * stage. A member read here must be named in {@link #FIELDS} (its slot is looked up once).
 */
final class JsonLineParser {

  static final String REPAIRED_JSON = "repairedJson";

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

  /** Other members read somewhere (at the root, in a nested object or in an access log). */
  private static final String[] OTHER_KEYS = {
    "type",
    "record",
    "time",
    "trace",
    "id",
    "span",
    "service",
    "name",
    "operation",
    "error",
    "exception",
    "log",
    "ecs_task_definition",
    "container_name",
    "source",
    "tracing",
    "value",
    "status",
    "metrics",
    "initializationType",
    "phase",
    "runtimeVersion",
    "functionName",
    "version",
    "functionArn",
    "billedDurationMs",
    "memorySizeMB",
    "maxMemoryUsedMB",
    "initDurationMs",
    "restoreDurationMs",
    "responseLatency",
    "integrationLatency",
    "latency",
    "routeKey",
    "httpMethod",
    "method",
    "resourcePath",
    "requestTimeEpoch",
    "integrationRequestId",
    "integrationStatus",
    "functionResponseStatus",
    "path",
    "integrationErrorMessage",
    "attributes"
  };

  private static final JsonFields FIELDS =
      new JsonFields(
          names(
              TRACE_KEYS,
              SPAN_KEYS,
              PARENT_SPAN_KEYS,
              LEVEL_KEYS,
              REQUEST_ID_KEYS,
              SERVICE_KEYS,
              ERROR_TYPE_KEYS,
              ERROR_TEXT_KEYS,
              DURATION_KEYS,
              NESTED_MESSAGE_KEYS,
              OTHER_KEYS,
              SpanRecords.KEYS),
          Arrays.asList(SpanRecords.RARE_KEYS),
          Arrays.asList(SpanRecords.KEY_VALUE_LISTS));

  private static final SpanRecords SPANS = new SpanRecords(FIELDS);

  private static final int[] TRACE = FIELDS.ids(TRACE_KEYS);
  private static final int[] SPAN = FIELDS.ids(SPAN_KEYS);
  private static final int[] PARENT_SPAN = FIELDS.ids(PARENT_SPAN_KEYS);
  private static final int[] LEVEL = FIELDS.ids(LEVEL_KEYS);
  private static final int[] REQUEST_ID = FIELDS.ids(REQUEST_ID_KEYS);
  private static final int[] SERVICE = FIELDS.ids(SERVICE_KEYS);
  private static final int[] ERROR_TYPE = FIELDS.ids(ERROR_TYPE_KEYS);
  private static final int[] ERROR_TEXT = FIELDS.ids(ERROR_TEXT_KEYS);
  private static final int[] DURATION = FIELDS.ids(DURATION_KEYS);
  private static final int[] NESTED_MESSAGE = FIELDS.ids(NESTED_MESSAGE_KEYS);

  private static final int K_TYPE = FIELDS.id("type");
  private static final int K_RECORD = FIELDS.id("record");
  private static final int K_TIME = FIELDS.id("time");
  private static final int K_TRACE = FIELDS.id("trace");
  private static final int K_ID = FIELDS.id("id");
  private static final int K_SPAN = FIELDS.id("span");
  private static final int K_SERVICE = FIELDS.id("service");
  private static final int K_NAME = FIELDS.id("name");
  private static final int K_OPERATION = FIELDS.id("operation");
  private static final int K_ERROR = FIELDS.id("error");
  private static final int K_EXCEPTION = FIELDS.id("exception");
  private static final int K_LOG = FIELDS.id("log");
  private static final int K_LEVEL = FIELDS.id("level");
  private static final int K_ECS_TASK_DEFINITION = FIELDS.id("ecs_task_definition");
  private static final int K_CONTAINER_NAME = FIELDS.id("container_name");
  private static final int K_SOURCE = FIELDS.id("source");
  private static final int K_REQUEST_ID = FIELDS.id("requestId");
  private static final int K_TRACING = FIELDS.id("tracing");
  private static final int K_VALUE = FIELDS.id("value");
  private static final int K_SPAN_ID = FIELDS.id("spanId");
  private static final int K_STATUS = FIELDS.id("status");
  private static final int K_ERROR_TYPE = FIELDS.id("errorType");
  private static final int K_METRICS = FIELDS.id("metrics");
  private static final int K_INITIALIZATION_TYPE = FIELDS.id("initializationType");
  private static final int K_PHASE = FIELDS.id("phase");
  private static final int K_RUNTIME_VERSION = FIELDS.id("runtimeVersion");
  private static final int K_FUNCTION_NAME = FIELDS.id("functionName");
  private static final int K_VERSION = FIELDS.id("version");
  private static final int K_FUNCTION_ARN = FIELDS.id("functionArn");
  private static final int K_DURATION_MS = FIELDS.id("durationMs");
  private static final int K_BILLED_DURATION_MS = FIELDS.id("billedDurationMs");
  private static final int K_MEMORY_SIZE_MB = FIELDS.id("memorySizeMB");
  private static final int K_MAX_MEMORY_USED_MB = FIELDS.id("maxMemoryUsedMB");
  private static final int K_INIT_DURATION_MS = FIELDS.id("initDurationMs");
  private static final int K_RESTORE_DURATION_MS = FIELDS.id("restoreDurationMs");
  private static final int K_XRAY_TRACE_ID = FIELDS.id("xrayTraceId");
  private static final int K_RESPONSE_LATENCY = FIELDS.id("responseLatency");
  private static final int K_INTEGRATION_LATENCY = FIELDS.id("integrationLatency");
  private static final int K_LATENCY = FIELDS.id("latency");
  private static final int K_ROUTE_KEY = FIELDS.id("routeKey");
  private static final int K_HTTP_METHOD = FIELDS.id("httpMethod");
  private static final int K_METHOD = FIELDS.id("method");
  private static final int K_RESOURCE_PATH = FIELDS.id("resourcePath");
  private static final int K_REQUEST_TIME_EPOCH = FIELDS.id("requestTimeEpoch");
  private static final int K_INTEGRATION_REQUEST_ID = FIELDS.id("integrationRequestId");
  private static final int K_INTEGRATION_STATUS = FIELDS.id("integrationStatus");
  private static final int K_FUNCTION_RESPONSE_STATUS = FIELDS.id("functionResponseStatus");
  private static final int K_PATH = FIELDS.id("path");
  private static final int K_ERROR_MESSAGE = FIELDS.id("errorMessage");
  private static final int K_INTEGRATION_ERROR_MESSAGE = FIELDS.id("integrationErrorMessage");
  private static final int K_ATTRIBUTES = FIELDS.id("attributes");
  private static final int K_AWS_TRACE_HEADER = FIELDS.id("AWSTraceHeader");

  private JsonLineParser() {}

  private static List<String> names(String[]... groups) {
    List<String> names = new ArrayList<>();
    for (String[] group : groups) {
      names.addAll(Arrays.asList(group));
    }
    return names;
  }

  /** Parses a JSON line; false when it is not a JSON object even after repair. */
  static boolean parse(LogSource source, String line, Fields f) {
    Obj root = FIELDS.read(line);
    if (root == null) {
      String repaired = UNQUOTED_MISSING.matcher(line).replaceAll("$1\"-\"$2");
      if (!repaired.equals(line)) {
        root = FIELDS.read(repaired);
      }
      if (root == null) {
        return false;
      }
      f.attribute(REPAIRED_JSON, "true");
    }
    String type = root.string(K_TYPE);
    Obj record = root.object(K_RECORD);
    if (type != null && type.startsWith("platform.") && record != null) {
      platform(type, root, record, f);
      return true;
    }
    if (source.type() == LogSource.Type.APIGATEWAY_ACCESS) {
      accessLog(root, f);
      return true;
    }
    if (SPANS.parse(root, f)) {
      return true;
    }
    if (!source.isLambda() && looksLikeAccessLog(root)) {
      accessLog(root, f);
      return true;
    }
    extract(root, f, 0);
    finishApp(line, f);
    return true;
  }

  /** JSON embedded in a text line (after a Lambda text prefix); ignored when it does not parse. */
  static void extractEmbedded(String json, Fields f) {
    Obj node = FIELDS.read(json);
    if (node != null) {
      extract(node, f, 1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // application records

  private static void extract(Obj node, Fields f, int depth) {
    for (int key : TRACE) {
      if (f.trace != null) {
        break;
      }
      f.traceFrom(node.text(key));
    }
    if (f.trace == null) {
      Object trace = node.get(K_TRACE);
      if (trace != null) {
        f.traceFrom(trace instanceof Obj o ? o.text(K_ID) : Obj.text(trace));
      }
    }
    if (f.trace == null) {
      // An SQS record a consumer logged: the sender's trace is the system attribute AWSTraceHeader
      Obj attributes = node.object(K_ATTRIBUTES);
      if (attributes != null) {
        f.traceFrom(attributes.text(K_AWS_TRACE_HEADER));
      }
    }
    f.spanId(node.first(SPAN));
    Obj span = node.object(K_SPAN);
    if (f.spanId == null && span != null) {
      f.spanId(span.text(K_ID));
    }
    f.parentSpanId(node.first(PARENT_SPAN));
    f.requestId(node.first(REQUEST_ID));
    f.level(level(node));
    f.service(node.first(SERVICE));
    Obj service = node.object(K_SERVICE);
    if (service != null) {
      f.service(service.text(K_NAME));
    }
    f.operation(node.text(K_OPERATION));
    for (int key : DURATION) {
      if (f.durationMs == null) {
        f.durationMs(node.number(key));
      }
    }
    f.error(node.first(ERROR_TYPE));
    if (f.errorText == null) {
      f.errorText = node.first(ERROR_TEXT);
    }
    Obj error = node.object(K_ERROR);
    if (error != null) {
      f.error(error.text(K_TYPE));
    }
    Obj exception = node.object(K_EXCEPTION);
    if (exception != null) {
      f.error(exception.text(K_TYPE));
    }

    // ECS FireLens: the container's line is in "log", possibly JSON itself
    String log = node.string(K_LOG);
    if (log != null) {
      String inner = log.strip();
      if (depth < 2 && inner.startsWith("{") && inner.endsWith("}")) {
        Obj innerNode = FIELDS.read(inner);
        if (innerNode != null) {
          extract(innerNode, f, depth + 1);
        } else {
          TextScan.scanPlain(inner, f);
        }
      } else {
        TextScan.scanPlain(inner, f);
      }
      f.service(ServiceNames.taskDefinitionFamily(node.text(K_ECS_TASK_DEFINITION)));
      if (f.service == null) { // a pure fallback: not worked out when the service is known
        f.service(ServiceNames.containerService(node.text(K_CONTAINER_NAME)));
      }
      if ("stderr".equals(node.text(K_SOURCE))) {
        f.attribute("stream", "stderr");
      }
    }
    // Lambda JSON log format (and loggers that log JSON strings): a message holding JSON
    if (depth < 2) {
      for (int key : NESTED_MESSAGE) {
        String message = node.string(key);
        if (message != null) {
          String inner = message.strip();
          if (inner.startsWith("{") && inner.endsWith("}")) {
            Obj innerNode = FIELDS.read(inner);
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

  private static String level(Obj node) {
    for (int key : LEVEL) {
      if (!node.has(key)) {
        continue;
      }
      String value = node.string(key);
      if (value != null && !value.isBlank()) {
        return value;
      }
      NumericNode number = node.integral(key);
      if (number != null) {
        return pinoLevel(number.asInt());
      }
    }
    Obj log = node.object(K_LOG);
    if (log != null) {
      return log.text(K_LEVEL);
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

  private static void platform(String type, Obj root, Obj record, Fields f) {
    f.timestamp = isoMillis(root.text(K_TIME));
    f.requestId(record.text(K_REQUEST_ID));
    Obj tracing = record.object(K_TRACING);
    if (tracing != null) {
      f.traceFrom(tracing.text(K_VALUE));
      f.spanId(tracing.text(K_SPAN_ID));
    }
    f.status(record.text(K_STATUS));
    f.error(record.text(K_ERROR_TYPE));
    // A present non-object "metrics" counts as metrics whose members are all missing, as before
    Obj metrics = record.has(K_METRICS) ? metrics(record) : null;
    switch (type) {
      case "platform.initStart" -> {
        f.kind = EventKind.LAMBDA_INIT;
        f.attribute(LogEvent.COLD_START, "true");
        f.attribute("initializationType", record.text(K_INITIALIZATION_TYPE));
        f.attribute("phase", record.text(K_PHASE));
        f.attribute("runtimeVersion", record.text(K_RUNTIME_VERSION));
        f.service(record.text(K_FUNCTION_NAME));
      }
      case "platform.initReport", "platform.initRuntimeDone" -> {
        f.kind = EventKind.LAMBDA_INIT;
        f.attribute("phase", record.text(K_PHASE));
        if (metrics != null && "platform.initReport".equals(type)) {
          f.durationMs(metrics.number(K_DURATION_MS));
          f.attribute(LogEvent.INIT_DURATION_MS, metrics.text(K_DURATION_MS));
          f.attribute(LogEvent.COLD_START, "true");
        }
      }
      case "platform.start" -> {
        f.kind = EventKind.LAMBDA_START;
        f.attribute("version", record.text(K_VERSION));
        f.service(functionFromArn(record.text(K_FUNCTION_ARN)));
      }
      case "platform.runtimeDone" -> {
        f.kind = EventKind.LAMBDA_END;
        if (metrics != null) {
          f.durationMs(metrics.number(K_DURATION_MS));
        }
      }
      case "platform.report" -> {
        f.kind = EventKind.LAMBDA_REPORT;
        if (metrics != null) {
          f.durationMs(metrics.number(K_DURATION_MS));
          f.attribute("billedDurationMs", metrics.text(K_BILLED_DURATION_MS));
          f.attribute("memorySizeMb", metrics.text(K_MEMORY_SIZE_MB));
          f.attribute("maxMemoryUsedMb", metrics.text(K_MAX_MEMORY_USED_MB));
          String init = metrics.text(K_INIT_DURATION_MS);
          if (init != null) {
            f.attribute(LogEvent.INIT_DURATION_MS, init);
            f.attribute(LogEvent.COLD_START, "true");
          }
          String restore = metrics.text(K_RESTORE_DURATION_MS);
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

  /** The record's metrics object; an empty one when "metrics" is there but no object. */
  private static Obj metrics(Obj record) {
    Obj metrics = record.object(K_METRICS);
    return metrics != null ? metrics : FIELDS.empty();
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

  private static boolean looksLikeAccessLog(Obj node) {
    return node.has(K_REQUEST_ID)
        && (node.has(K_HTTP_METHOD)
            || node.has(K_STATUS)
            || node.has(K_RESOURCE_PATH)
            || node.has(K_ROUTE_KEY));
  }

  private static void accessLog(Obj node, Fields f) {
    f.kind = EventKind.ACCESS_LOG;
    f.requestId(node.text(K_REQUEST_ID));
    f.traceFrom(node.text(K_XRAY_TRACE_ID));
    for (int key : TRACE) {
      if (f.trace == null) {
        f.traceFrom(node.text(key));
      }
    }
    f.durationMs(node.number(K_RESPONSE_LATENCY));
    f.durationMs(node.number(K_INTEGRATION_LATENCY));
    f.durationMs(node.number(K_LATENCY));
    String status = node.text(K_STATUS);
    f.status(status);
    String route = node.text(K_ROUTE_KEY);
    if (Fields.present(route) && !"$default".equals(route)) {
      f.operation(route);
    }
    String method = node.text(K_HTTP_METHOD);
    if (!Fields.present(method)) {
      method = node.text(K_METHOD);
    }
    String resource = node.text(K_RESOURCE_PATH);
    if (Fields.present(method) && Fields.present(resource)) {
      f.operation(method + " " + resource);
    } else if (Fields.present(method)) {
      f.operation(method);
    }
    Double epoch = node.number(K_REQUEST_TIME_EPOCH);
    if (epoch != null) {
      f.timestamp = epoch.longValue(); // request arrival, as CloudWatch's timestamp
    }
    attribute(f, "integrationRequestId", node.text(K_INTEGRATION_REQUEST_ID));
    attribute(f, "integrationLatencyMs", node.text(K_INTEGRATION_LATENCY));
    attribute(f, "integrationStatus", node.text(K_INTEGRATION_STATUS));
    attribute(f, "integrationStatus", node.text(K_FUNCTION_RESPONSE_STATUS));
    attribute(f, "path", node.text(K_PATH));
    String errorMessage = node.text(K_ERROR_MESSAGE);
    attribute(f, "errorMessage", errorMessage);
    attribute(f, "integrationErrorMessage", node.text(K_INTEGRATION_ERROR_MESSAGE));
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
}
