package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Structured JSON app logs, FireLens records and Lambda's JSON log format. */
@Timeout(10)
class JsonLineParserTest {

  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  @Test
  void powertoolsLineInALambdaGroup() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/orders-api",
            "{\"level\":\"INFO\",\"location\":\"lambda_handler:41\",\"message\":\"Received order"
                + " request\",\"timestamp\":\"2025-11-14"
                + " 09:12:35,121+0000\",\"service\":\"orders\",\"cold_start\":true,\"function_name\":\"orders-api\",\"function_memory_size\":512,\"function_arn\":\"arn:aws:lambda:us-east-1:123456789012:function:orders-api\",\"function_request_id\":\"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60\",\"correlation_id\":\"c2d7e8f1-4a3b-4e5c-9d6f-7a8b9c0d1e2f\",\"http_method\":\"POST\",\"path\":\"/orders\",\"order_id\":\"ord_7QK2M9X4\",\"xray_trace_id\":\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\"}\n");

    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY);
    assertThat(e.requestId()).isEqualTo("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60");
    assertThat(e.level()).isEqualTo("INFO");
    assertThat(e.service()).isEqualTo("orders-api");
    assertThat(e.attributes()).containsEntry(LineParser.APP_SERVICE, "orders");
    assertThat(e.error()).isNull();
    assertThat(e.message()).startsWith("{\"level\"").endsWith("}");
  }

  @Test
  void powertoolsErrorLineKeepsTheExceptionName() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/orders-api",
            "{\"level\":\"ERROR\",\"message\":\"Payment provider call"
                + " failed\",\"function_request_id\":\"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60\","
                + "\"exception\":\"Traceback ...\\nrequests.exceptions.ConnectTimeout:"
                + " HTTPSConnectionPool(host='payments.internal.example.com', port=443)\","
                + "\"exception_name\":\"ConnectTimeout\",\"xray_trace_id\":\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\"}");

    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("ConnectTimeout");
  }

  @Test
  void powertoolsWarningIsNormalised() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/orders-api",
            "{\"level\":\"WARNING\",\"message\":\"Slow database query\",\"lambda_request_id\":\"r-1\"}");

    assertThat(e.level()).isEqualTo("WARN");
    assertThat(e.requestId()).isEqualTo("r-1");
  }

  @Test
  void powertoolsDotNetPascalCase() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/payment",
            "{\"ColdStart\":true,\"XRayTraceId\":\"1-61b600cf-5b6094cc123936136c4413e6\","
                + "\"FunctionRequestId\":\"52fdfc07-2182-154f-163f-5f0f9a621d72\","
                + "\"Level\":\"Information\",\"Service\":\"payment\",\"Message\":\"Collecting\"}");

    assertThat(e.traceId()).isEqualTo("61b600cf5b6094cc123936136c4413e6");
    assertThat(e.requestId()).isEqualTo("52fdfc07-2182-154f-163f-5f0f9a621d72");
    assertThat(e.level()).isEqualTo("INFO");
    assertThat(e.attributes()).doesNotContainKey(LineParser.APP_SERVICE); // same as the function
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          traceId OTel, upper case | {"traceId":"6916F2828C41D2A7E5B03F19A6D4C2E1","spanId":"5B8F2D1C9A3E7046","severityText":"ERROR","body":"x"} | HEX32 | 5b8f2d1c9a3e7046
          trace_id                 | {"trace_id":"6916f2828c41d2a7e5b03f19a6d4c2e1","span_id":"5b8f2d1c9a3e7046","msg":"x"} | HEX32 | 5b8f2d1c9a3e7046
          traceID                  | {"traceID":"1-6916f282-8c41d2a7e5b03f19a6d4c2e1","msg":"x"} | XRAY |
          xrayTraceId              | {"xrayTraceId":"1-6916f282-8c41d2a7e5b03f19a6d4c2e1"} | XRAY |
          AWS-XRAY-TRACE-ID        | {"AWS-XRAY-TRACE-ID":"Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e1;Parent=5b8f2d1c9a3e7046;Sampled=1"} | XRAY_HEADER | 5b8f2d1c9a3e7046
          traceparent              | {"traceparent":"00-6916f2828c41d2a7e5b03f19a6d4c2e1-5b8f2d1c9a3e7046-01","msg":"x"} | W3C_TRACEPARENT | 5b8f2d1c9a3e7046
          nested trace.id          | {"trace":{"id":"6916f2828c41d2a7e5b03f19a6d4c2e1"},"span":{"id":"5b8f2d1c9a3e7046"}} | HEX32 | 5b8f2d1c9a3e7046
          flat trace.id            | {"trace.id":"6916f2828c41d2a7e5b03f19a6d4c2e1","span.id":"5b8f2d1c9a3e7046"} | HEX32 | 5b8f2d1c9a3e7046
          """)
  void traceIdKeys(String name, String line, TraceIdFormat format, String spanId) {
    LogEvent e = Lines.parse("/custom/app", line);

    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(format);
    assertThat(e.spanId()).isEqualTo(spanId);
  }

  @Test
  void invalidTraceValuesAreIgnored() {
    LogEvent e =
        Lines.parse(
            "/custom/app", "{\"trace_id\":\"not-a-trace\",\"traceId\":\"-\",\"msg\":\"x\"}");

    assertThat(e.traceId()).isNull();
    assertThat(e.kind()).isEqualTo(EventKind.APP);
  }

  @Test
  void serviceAndLevelFromEcsLoggingShapes() {
    LogEvent e =
        Lines.parse(
            "/custom/app",
            "{\"@timestamp\":\"2025-11-14T09:12:35Z\",\"log.level\":\"warn\","
                + "\"service\":{\"name\":\"checkout\"},\"trace\":{\"id\":\""
                + TRACE
                + "\"}}");

    assertThat(e.service()).isEqualTo("checkout");
    assertThat(e.level()).isEqualTo("WARN");
  }

  @Test
  void pinoNumericLevel() {
    LogEvent e =
        Lines.parse("/ecs/cart", "{\"level\":50,\"msg\":\"boom\",\"err\":\"socket hang up\"}");

    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("ECONNRESET");
    assertThat(e.service()).isEqualTo("cart");
  }

  @Test
  void fireLensRecordWithNestedJsonLog() {
    LogEvent e =
        Lines.parse(
            "/ecs/orders",
            "{\"source\":\"stderr\",\"log\":\"{\\\"level\\\":\\\"error\\\",\\\"msg\\\":\\\"payment"
                + " call failed\\\",\\\"trace_id\\\":\\\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\\\","
                + "\\\"err\\\":\\\"connect ETIMEDOUT"
                + " 10.0.40.12:443\\\"}\",\"container_id\":\"8a1c0f3b9d2e4c5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f\","
                + "\"container_name\":\"/ecs-orders-svc-14-app-b2c4e6f8a0c2e4f6a800\","
                + "\"ecs_cluster\":\"arn:aws:ecs:us-east-1:123456789012:cluster/prod\","
                + "\"ecs_task_arn\":\"arn:aws:ecs:us-east-1:123456789012:task/prod/0c6b1e2f3a4d5e6f7a8b9c0d1e2f3a4b\","
                + "\"ecs_task_definition\":\"orders-svc:14\"}");

    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY);
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("ETIMEDOUT");
    assertThat(e.service()).isEqualTo("orders-svc");
  }

  @Test
  void fireLensRecordWithPlainTextLog() {
    LogEvent e =
        Lines.parse(
            "/ecs/httpbin",
            "{\"container_id\":\"4bc3dc769980270dda04757ebc869de045c89bc8491123642e058f8c522ff783\","
                + "\"container_name\":\"/ecs-httpbin-fargate-10-httpbin-ecd2a483b192d6a94c00\","
                + "\"ecs_cluster\":\"arn:aws:ecs:us-east-1:123456789:cluster/tf-ecs-fargate\","
                + "\"ecs_task_arn\":\"arn:aws:ecs:us-east-1:123456789:task/tf-ecs-fargate/9355824e63ee43d49dfbd3b33edeed7e\","
                + "\"ecs_task_definition\":\"httpbin-fargate:10\",\"log\":\"10.0.2.45 - -"
                + " [25/Nov/2019:01:55:26 +0000] \\\"GET / HTTP/1.1\\\" 200 12026 \\\"-\\\""
                + " \\\"ELB-HealthChecker/2.0\\\"\",\"source\":\"stdout\"}");

    assertThat(e.service()).isEqualTo("httpbin-fargate");
    assertThat(e.traceId()).isNull(); // a 64-hex container id is not a trace id
    assertThat(e.kind()).isEqualTo(EventKind.APP);
  }

  @Test
  void fireLensServiceFromContainerNameWithoutTaskDefinition() {
    LogEvent e =
        Lines.parse(
            "/custom/firelens",
            "{\"log\":\"hello\",\"container_name\":\"/ecs-orders-svc-14-app-b2c4e6f8a0c2e4f6a800\"}");

    assertThat(e.service()).isEqualTo("orders-svc");
  }

  @Test
  void lambdaJsonAppRecordWithDoubleEncodedMessage() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/tenner-notifier",
            "{\"timestamp\":\"2026-10-08T07:30:29.443Z\",\"level\":\"ERROR\",\"requestId\":\"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36\","
                + "\"message\":\"{\\\"level\\\":\\\"ERROR\\\",\\\"message\\\":\\\"Widget update"
                + " failed\\\",\\\"component\\\":\\\"notifier\\\",\\\"event\\\":\\\"WidgetUpdateFailed\\\","
                + "\\\"error\\\":\\\"SecretUnavailableError\\\"}\"}");

    assertThat(e.requestId()).isEqualTo("79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("SecretUnavailableError");
    assertThat(e.timestamp()).isEqualTo(Lines.TIMESTAMP); // app records keep CloudWatch's time
  }

  @Test
  void doubleEncodedMessageCarryingATraceId() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/orders-api",
            "{\"timestamp\":\"2026-10-08T07:30:29.443Z\",\"level\":\"INFO\",\"requestId\":\"r-1\","
                + "\"message\":\"{\\\"msg\\\":\\\"ok\\\",\\\"xrayTraceId\\\":\\\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\\\"}\"}");

    assertThat(e.traceId()).isEqualTo(TRACE);
  }

  @Test
  void platformInitStart() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/tenner-notifier",
            "{\"time\":\"2026-10-08T07:30:27.768Z\",\"type\":\"platform.initStart\",\"record\":{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":\"nodejs:22.mainline.v122\",\"runtimeVersionArn\":\"arn:aws:lambda:eu-central-1::runtime:775dab0d220a0b97f3ec34fe1692d7a07b5d13049153b00f03204c9543bd69e4\",\"functionName\":\"tenner-notifier\",\"functionVersion\":\"$LATEST\",\"instanceId\":\"2026/10/08/tenner-notifier[$LATEST]22be53a8cfde4e68b844f8ec293b2543\",\"instanceMaxMemory\":268435456}}",
            Instant.parse("2026-10-08T07:30:27.771Z").toEpochMilli());

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_INIT);
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-10-08T07:30:27.768Z").toEpochMilli());
    assertThat(e.attributes()).containsEntry(LogEvent.COLD_START, "true");
  }

  @Test
  void platformStart() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/tenner-notifier",
            "{\"time\":\"2026-10-08T07:30:28.235Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36\",\"functionArn\":\"arn:aws:lambda:eu-central-1:825765399535:function:tenner-notifier\",\"version\":\"$LATEST\"}}");

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_START);
    assertThat(e.requestId()).isEqualTo("79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36");
    assertThat(e.service()).isEqualTo("tenner-notifier");
  }

  @Test
  void platformStartWithTracing() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/fn",
            "{\"time\":\"2022-10-12T00:00:15.064Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa\",\"version\":\"$LATEST\",\"tracing\":{\"spanId\":\"54565fb41ac79632\",\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=1-62e900b2-710d76f009d6e7785905449a;Parent=0efbd19962d95b05;Sampled=1\"}}}");

    assertThat(e.traceId()).isEqualTo("62e900b2710d76f009d6e7785905449a");
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY_HEADER);
    assertThat(e.spanId()).isEqualTo("54565fb41ac79632");
  }

  @Test
  void platformReportColdStart() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/tenner-notifier",
            "{\"time\":\"2026-10-08T07:30:29.470Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36\",\"metrics\":{\"durationMs\":1233.96,\"billedDurationMs\":1698,\"memorySizeMB\":256,\"maxMemoryUsedMB\":123,\"initDurationMs\":463.512},\"status\":\"success\"}}",
            Instant.parse("2026-10-08T07:30:29.472Z").toEpochMilli());

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_REPORT);
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-10-08T07:30:29.470Z").toEpochMilli());
    assertThat(e.durationMs()).isEqualTo(1233.96);
    assertThat(e.status()).isEqualTo("success");
    assertThat(e.isError()).isFalse();
    assertThat(e.attributes())
        .contains(
            entry(LogEvent.INIT_DURATION_MS, "463.512"),
            entry(LogEvent.COLD_START, "true"),
            entry("billedDurationMs", "1698"),
            entry("memorySizeMb", "256"));
  }

  @Test
  void platformReportTimeout() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/fn",
            "{\"time\":\"2026-07-09T06:05:50.581Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"aec7a529-47f9-4090-be01-c9ed91bf83cf\",\"metrics\":{\"durationMs\":5000.0,\"billedDurationMs\":5000,\"memorySizeMB\":128,\"maxMemoryUsedMB\":94},\"status\":\"timeout\"}}");

    assertThat(e.status()).isEqualTo("timeout");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.durationMs()).isEqualTo(5000.0);
    assertThat(e.attributes()).doesNotContainKey(LogEvent.COLD_START);
  }

  @Test
  void platformReportWithTracing() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/fn",
            "{\"time\":\"2022-10-21T14:05:05.766Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"459921b5-681c-4a96-beb0-81e0aa586026\",\"metrics\":{\"durationMs\":2599.4,\"billedDurationMs\":2600,\"memorySizeMB\":128,\"maxMemoryUsedMB\":94,\"initDurationMs\":549.04},\"tracing\":{\"spanId\":\"24cd7d670fa455f0\",\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=1-6352a70e-1e2c502e358361800241fd45;Parent=35465b3a9e2f7c6a;Sampled=1\"},\"status\":\"success\"}}");

    assertThat(e.traceId()).isEqualTo("6352a70e1e2c502e358361800241fd45");
    assertThat(e.requestId()).isEqualTo("459921b5-681c-4a96-beb0-81e0aa586026");
    assertThat(e.attributes()).containsEntry(LogEvent.INIT_DURATION_MS, "549.04");
  }

  @Test
  void platformRuntimeDoneAndFailureWithErrorType() {
    LogEvent done =
        Lines.parse(
            "/aws/lambda/fn",
            "{\"time\":\"2024-05-20T16:29:45.019Z\",\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"4b142fc3-17b8-4cdb-a46b-a8dbe7918715\",\"status\":\"success\",\"spans\":[{\"name\":\"responseLatency\",\"start\":\"2024-05-20T16:29:45.008Z\",\"durationMs\":2.215}],\"metrics\":{\"durationMs\":11.185,\"producedBytes\":40}}}");
    LogEvent failed =
        Lines.parse(
            "/aws/lambda/fn",
            "{\"time\":\"2024-05-20T16:29:45.019Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"4b142fc3-17b8-4cdb-a46b-a8dbe7918715\",\"status\":\"error\",\"errorType\":\"Runtime.ExitError\",\"metrics\":{\"durationMs\":11.185}}}");

    assertThat(done.kind()).isEqualTo(EventKind.LAMBDA_END);
    assertThat(done.durationMs()).isEqualTo(11.185);
    assertThat(failed.error()).isEqualTo("Runtime.ExitError");
    assertThat(failed.isError()).isTrue();
  }
}
