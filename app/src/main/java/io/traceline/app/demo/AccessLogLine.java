package io.traceline.app.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One API Gateway REST access-log line in the correlation-friendly format: {@code status} and
 * {@code responseLatency} unquoted (numbers), everything else quoted, {@code "-"} for a missing
 * value. Keys in the template's order.
 */
final class AccessLogLine {

  /** The values API Gateway substitutes into the template for one request. */
  record Values(
      long requestTimeEpoch,
      String requestId,
      String extendedRequestId,
      String httpMethod,
      String path,
      String resourcePath,
      int status,
      long responseLatency,
      String xrayTraceId,
      String integrationRequestId,
      String functionResponseStatus,
      long integrationLatency,
      String integrationServiceStatus,
      String ip,
      String userAgent) {}

  private AccessLogLine() {}

  static String render(Values v) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("requestTime", TimeFormats.clf(v.requestTimeEpoch()));
    line.put("requestId", v.requestId());
    line.put("extendedRequestId", v.extendedRequestId());
    line.put("httpMethod", v.httpMethod());
    line.put("path", v.path());
    line.put("resourcePath", v.resourcePath());
    line.put("status", v.status());
    line.put("responseLatency", v.responseLatency());
    line.put("xrayTraceId", v.xrayTraceId());
    line.put("integrationRequestId", v.integrationRequestId());
    line.put("functionResponseStatus", v.functionResponseStatus());
    line.put("integrationLatency", Long.toString(v.integrationLatency()));
    line.put("integrationServiceStatus", v.integrationServiceStatus());
    line.put("ip", v.ip());
    line.put("userAgent", v.userAgent());
    line.put("principalId", "-");
    return line.toString();
  }
}
