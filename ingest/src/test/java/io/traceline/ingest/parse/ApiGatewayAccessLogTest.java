package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** API Gateway access logs: caller-defined templates, "-" for missing, numbers as strings. */
@Timeout(10)
class ApiGatewayAccessLogTest {

  private static final String GROUP = "/aws/apigateway/orders-api-prod-access";

  @Test
  void restAccessLogOfThe502() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "{\"requestTime\":\"14/Nov/2025:09:12:34"
                + " +0000\",\"requestId\":\"c2d7e8f1-4a3b-4e5c-9d6f-7a8b9c0d1e2f\",\"extendedRequestId\":\"Ua3kxHb0IAMEbZw=\",\"httpMethod\":\"POST\",\"path\":\"/prod/orders\",\"resourcePath\":\"/orders\",\"status\":502,\"responseLatency\":2358,\"xrayTraceId\":\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\",\"integrationRequestId\":\"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60\",\"functionResponseStatus\":\"200\",\"integrationLatency\":\"2331\",\"integrationServiceStatus\":\"200\",\"ip\":\"203.0.113.42\",\"userAgent\":\"okhttp/4.12.0\",\"principalId\":\"-\"}");

    assertThat(e.kind()).isEqualTo(EventKind.ACCESS_LOG);
    assertThat(e.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY);
    assertThat(e.requestId()).isEqualTo("c2d7e8f1-4a3b-4e5c-9d6f-7a8b9c0d1e2f");
    assertThat(e.durationMs()).isEqualTo(2358.0);
    assertThat(e.status()).isEqualTo("502");
    assertThat(e.operation()).isEqualTo("POST /orders");
    assertThat(e.service()).isEqualTo("orders-api-prod");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.isError()).isTrue();
    assertThat(e.timestamp()).isEqualTo(Lines.TIMESTAMP); // CloudWatch's = request arrival
    assertThat(e.attributes())
        .containsEntry("integrationRequestId", "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60")
        .containsEntry("integrationLatencyMs", "2331")
        .containsEntry("path", "/prod/orders");
  }

  @Test
  void dashesAreMissingValues() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "{\"requestTime\":\"14/Nov/2025:09:12:35"
                + " +0000\",\"requestId\":\"5f6a7b8c-9d0e-4f1a-b2c3-d4e5f6a7b8c9\",\"extendedRequestId\":\"Ua3kzFnhIAMEbfg=\",\"httpMethod\":\"POST\",\"path\":\"/prod/orders\",\"resourcePath\":\"/orders\",\"status\":429,\"responseLatency\":1,\"xrayTraceId\":\"1-6916f283-9b2c4d6e8f0a1b3c5d7e9f10\",\"integrationRequestId\":\"-\",\"functionResponseStatus\":\"-\",\"integrationLatency\":\"-\",\"integrationServiceStatus\":\"-\",\"ip\":\"203.0.113.77\",\"userAgent\":\"okhttp/4.12.0\",\"principalId\":\"-\"}");

    assertThat(e.status()).isEqualTo("429");
    assertThat(e.durationMs()).isEqualTo(1.0);
    assertThat(e.level()).isEqualTo("WARN");
    assertThat(e.attributes())
        .doesNotContainKeys("integrationRequestId", "integrationLatencyMs", "integrationStatus");
  }

  @Test
  void numbersAsStringsAndMethodKey() {
    LogEvent e =
        Lines.parse(
            "/aws/apigateway/data-platform",
            "{\"caller\":\"-\",\"ip\":\"51.14.4.225\",\"method\":\"POST\",\"path\":\"/development/data-product/test_product1/table/%c2%a3/schema\",\"protocol\":\"HTTP/1.1\",\"requestId\":\"a4188e34-1104-424e-9907-eebbf55dd662\",\"requestTime\":\"27/Oct/2023:13:40:57"
                + " +0000\",\"requestTimeEpoch\":\"1698414057744\",\"resourcePath\":\"/data-product/{data-product-name}/table/{table-name}/schema\",\"responseLength\":\"87\",\"status\":\"400\",\"user\":\"-\"}");

    assertThat(e.kind()).isEqualTo(EventKind.ACCESS_LOG);
    assertThat(e.status()).isEqualTo("400");
    assertThat(e.operation())
        .isEqualTo("POST /data-product/{data-product-name}/table/{table-name}/schema");
    // requestTimeEpoch (2023) is days away from the CloudWatch time the test gives (2025): a
    // line clock that far off is kept as an attribute, never used.
    assertThat(e.timestamp()).isEqualTo(Lines.TIMESTAMP);
    assertThat(e.attributes()).containsEntry("ignoredTimestamp", "1698414057744");
    assertThat(e.traceId()).isNull();
  }

  @Test
  void requestTimeEpochCloseToCloudWatchsTimeIsTheArrival() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "{\"requestId\":\"a\",\"httpMethod\":\"GET\",\"status\":200,\"requestTimeEpoch\":\""
                + (Lines.TIMESTAMP - 250)
                + "\"}");
    assertThat(e.timestamp()).isEqualTo(Lines.TIMESTAMP - 250);
    assertThat(e.attributes()).doesNotContainKey("ignoredTimestamp");
  }

  @Test
  void requestTimeEpochInMicrosecondsIsIgnored() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "{\"requestId\":\"a\",\"httpMethod\":\"GET\",\"status\":200,\"requestTimeEpoch\":"
                + (Lines.TIMESTAMP * 1000)
                + ",\"responseLatency\":\"-1\"}");
    assertThat(e.timestamp()).isEqualTo(Lines.TIMESTAMP);
    assertThat(e.attributes())
        .containsEntry("ignoredTimestamp", Long.toString(Lines.TIMESTAMP * 1000));
    // A negative latency is no duration: dropped from durationMs, kept as an attribute.
    assertThat(e.durationMs()).isNull();
    assertThat(e.attributes()).containsEntry(LogEvent.INVALID_DURATION_MS, "-1.0");
  }

  @Test
  void httpApiRouteKeyAndStringLatency() {
    LogEvent e =
        Lines.parse(
            "/aws/apigateway/orders-http-accesslogs",
            "{\"requestId\":\"LgLpnibOFiAEPCA=\",\"routeKey\":\"POST /orders\",\"status\":\"200\","
                + "\"responseLatency\":\"12\"}");

    assertThat(e.operation()).isEqualTo("POST /orders");
    assertThat(e.durationMs()).isEqualTo(12.0);
    assertThat(e.service()).isEqualTo("orders-http");
    assertThat(e.level()).isEqualTo("INFO");
  }

  @Test
  void unquotedMissingVariablesAreRepaired() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "{\"requestId\":\"8e4b1f2a-6c3d-4f5e-a7b8-c9d0e1f2a3b4\",\"httpMethod\":\"GET\","
                + "\"resourcePath\":\"/orders\",\"status\":-,\"responseLatency\":-,"
                + "\"xrayTraceId\":\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\"}");

    assertThat(e.kind()).isEqualTo(EventKind.ACCESS_LOG);
    assertThat(e.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
    assertThat(e.requestId()).isEqualTo("8e4b1f2a-6c3d-4f5e-a7b8-c9d0e1f2a3b4");
    assertThat(e.status()).isNull();
    assertThat(e.durationMs()).isNull();
    assertThat(e.attributes()).containsEntry(JsonLineParser.REPAIRED_JSON, "true");
  }

  @Test
  void unrepairableJsonFallsBackToTextWithoutLosingTheLine() {
    String line =
        "{\"requestId\":\"abc\", xrayTraceId: 1-6916f282-8c41d2a7e5b03f19a6d4c2e1, \"status\":";

    LogEvent e = Lines.parse(GROUP, line);

    assertThat(e.message()).isEqualTo(line);
    assertThat(e.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
    assertThat(e.attributes()).containsEntry("invalidJson", "true");
  }

  @Test
  void detectedByShapeOutsideApiGatewayGroups() {
    LogEvent e =
        Lines.parse(
            "/custom/edge",
            "{\"requestId\":\"r1\",\"httpMethod\":\"GET\",\"resourcePath\":\"/a\",\"status\":200}");

    assertThat(e.kind()).isEqualTo(EventKind.ACCESS_LOG);
    assertThat(e.operation()).isEqualTo("GET /a");
  }

  @Test
  void notDetectedByShapeInLambdaGroups() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/fn",
            "{\"requestId\":\"r1\",\"status\":\"PENDING\",\"message\":\"saved\"}");

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.requestId()).isEqualTo("r1");
  }

  @Test
  void executionLogLineKeepsItsRequestIdAndTrace() {
    LogEvent e =
        Lines.parse(
            "API-Gateway-Execution-Logs_8zcb3dxf4l/DEV",
            "(c2d7e8f1-4a3b-4e5c-9d6f-7a8b9c0d1e2f) Method request headers: {X-Amzn-Trace-Id=Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e1, Host=api}");

    assertThat(e.requestId()).isEqualTo("c2d7e8f1-4a3b-4e5c-9d6f-7a8b9c0d1e2f");
    assertThat(e.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
    assertThat(e.service()).isEqualTo("apigateway-8zcb3dxf4l");
  }
}
