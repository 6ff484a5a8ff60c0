package io.traceline.app.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The lines a Python 3.12 Lambda function writes with the text log format and active tracing:
 * platform lines (tab-separated, newline-terminated) and Powertools Logger JSON app lines.
 */
final class LambdaLines {

  private LambdaLines() {}

  static String initStart() {
    return "INIT_START Runtime Version: "
        + Shop.PYTHON_RUNTIME
        + "\tRuntime Version ARN: "
        + Shop.PYTHON_RUNTIME_ARN
        + "\n";
  }

  static String start(String requestId) {
    return "START RequestId: " + requestId + " Version: $LATEST\n";
  }

  static String end(String requestId) {
    return "END RequestId: " + requestId + "\n";
  }

  /**
   * The REPORT line with its embedded XRAY line. Billed Duration includes the init phase (billed
   * since 2025-08-01).
   *
   * @param initDurationMs the init duration of a cold start, or a negative value on a warm start
   */
  static String report(
      String requestId,
      double durationMs,
      double initDurationMs,
      int maxMemoryUsedMb,
      String xrayTraceId,
      String segmentId) {
    boolean cold = initDurationMs >= 0;
    long hundredths = Math.round(durationMs * 100) + (cold ? Math.round(initDurationMs * 100) : 0);
    long billed = (hundredths + 99) / 100;
    StringBuilder line = new StringBuilder(320);
    line.append("REPORT RequestId: ").append(requestId);
    line.append("\tDuration: ").append(TimeFormats.twoDecimals(durationMs)).append(" ms");
    line.append("\tBilled Duration: ").append(billed).append(" ms");
    line.append("\tMemory Size: ").append(Shop.FUNCTION_MEMORY_MB).append(" MB");
    line.append("\tMax Memory Used: ").append(maxMemoryUsedMb).append(" MB\t");
    if (cold) {
      line.append("Init Duration: ")
          .append(TimeFormats.twoDecimals(initDurationMs))
          .append(" ms\t");
    }
    line.append("\nXRAY TraceId: ").append(xrayTraceId);
    line.append("\tSegmentId: ").append(segmentId);
    line.append("\tSampled: true\t\n");
    return line.toString();
  }

  /**
   * One Powertools Logger line: keys in the order Powertools writes them (level, location, message,
   * timestamp, service, the Lambda context keys, correlation_id, extras, exception, xray_trace_id),
   * compact JSON, newline-terminated.
   */
  static final class Powertools {
    private final ObjectNode head = JsonNodeFactory.instance.objectNode();
    private final ObjectNode extras = JsonNodeFactory.instance.objectNode();
    private final String xrayTraceId;
    private String exception;
    private String exceptionName;

    /** The invocation context shared by all lines of one invocation. */
    record Context(String requestId, String correlationId, String xrayTraceId, boolean coldStart) {}

    Powertools(String level, String location, String message, long epochMs, Context context) {
      head.put("level", level);
      head.put("location", location);
      head.put("message", message);
      head.put("timestamp", TimeFormats.powertools(epochMs));
      head.put("service", Shop.POWERTOOLS_SERVICE);
      head.put("cold_start", context.coldStart());
      head.put("function_name", Shop.FUNCTION_NAME);
      head.put("function_memory_size", Shop.FUNCTION_MEMORY_MB);
      head.put("function_arn", Shop.FUNCTION_ARN);
      head.put("function_request_id", context.requestId());
      head.put("correlation_id", context.correlationId());
      this.xrayTraceId = context.xrayTraceId();
    }

    Powertools with(String key, String value) {
      extras.put(key, value);
      return this;
    }

    Powertools with(String key, long value) {
      extras.put(key, value);
      return this;
    }

    /** What {@code logger.exception(...)} adds. */
    Powertools exception(String traceback, String name) {
      this.exception = traceback;
      this.exceptionName = name;
      return this;
    }

    String render() {
      ObjectNode line = head.deepCopy();
      line.setAll(extras);
      if (exception != null) {
        line.put("exception", exception);
        line.put("exception_name", exceptionName);
      }
      line.put("xray_trace_id", xrayTraceId);
      return line + "\n";
    }
  }
}
