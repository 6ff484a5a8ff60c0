package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lambda text-format lines, verbatim from the reference notes (section 2.2). */
@Timeout(10)
class LambdaTextParserTest {

  private static final String GROUP = "/aws/lambda/orders-api";

  @Test
  void initStartIsAColdStart() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "INIT_START Runtime Version: python:3.12.v101\tRuntime Version ARN:"
                + " arn:aws:lambda:us-east-1::runtime:994aac32248ecf4d69d9f5e9a3a57aba3ccea19d94170a61d5ecf978927e1b0f\n");

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_INIT);
    assertThat(e.attributes())
        .contains(entry(LogEvent.COLD_START, "true"), entry("runtimeVersion", "python:3.12.v101"));
    assertThat(e.message()).startsWith("INIT_START").doesNotEndWith("\n");
    assertThat(e.service()).isEqualTo("orders-api");
    assertThat(e.traceId()).isNull();
  }

  @Test
  void startIsSpaceSeparated() {
    LogEvent e =
        Lines.parse(
            GROUP, "START RequestId: f678488e-719f-42a4-b770-bb99cc43afeb Version: $LATEST\n");

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_START);
    assertThat(e.requestId()).isEqualTo("f678488e-719f-42a4-b770-bb99cc43afeb");
    assertThat(e.attributes()).containsEntry("version", "$LATEST");
    assertThat(e.message())
        .isEqualTo("START RequestId: f678488e-719f-42a4-b770-bb99cc43afeb Version: $LATEST");
  }

  @Test
  void end() {
    LogEvent e = Lines.parse(GROUP, "END RequestId: f678488e-719f-42a4-b770-bb99cc43afeb\n");

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_END);
    assertThat(e.requestId()).isEqualTo("f678488e-719f-42a4-b770-bb99cc43afeb");
  }

  @Test
  void reportWithEmbeddedXrayLine() {
    String line =
        "REPORT RequestId: f678488e-719f-42a4-b770-bb99cc43afeb\tDuration: 5134.50 ms\tBilled"
            + " Duration: 5412 ms\tMemory Size: 128 MB\tMax Memory Used: 97 MB\tInit Duration:"
            + " 276.94 ms\t\nXRAY TraceId: 1-69543d77-5042a8600c5c4a2665029f8e\tSegmentId:"
            + " 0d2f9bcad75e6cf5\tSampled: true\t";

    LogEvent e = Lines.parse(GROUP, line);

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_REPORT);
    assertThat(e.requestId()).isEqualTo("f678488e-719f-42a4-b770-bb99cc43afeb");
    assertThat(e.durationMs()).isEqualTo(5134.50);
    assertThat(e.traceId()).isEqualTo("69543d775042a8600c5c4a2665029f8e");
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY);
    assertThat(e.spanId()).isEqualTo("0d2f9bcad75e6cf5");
    assertThat(e.attributes())
        .contains(
            entry(LogEvent.INIT_DURATION_MS, "276.94"),
            entry(LogEvent.COLD_START, "true"),
            entry("billedDurationMs", "5412"),
            entry("memorySizeMb", "128"),
            entry("maxMemoryUsedMb", "97"))
        .doesNotContainKey(LambdaTextParser.OUT_OF_MEMORY);
    assertThat(e.message()).isEqualTo(line).contains("\nXRAY TraceId:");
    assertThat(e.status()).isNull();
    assertThat(e.isError()).isFalse();
  }

  @Test
  void reportWithStraySpaceBeforeTabAndNoInit() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/echo-nodejs",
            "REPORT RequestId: 6234bffe-149a-b642-81ff-2e8e376d8aff\tDuration: 46.84 ms\tBilled"
                + " Duration: 47 ms \tMemory Size: 192 MB\tMax Memory Used: 72 MB\t\n");

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_REPORT);
    assertThat(e.durationMs()).isEqualTo(46.84);
    assertThat(e.attributes())
        .contains(
            entry("billedDurationMs", "47"),
            entry("memorySizeMb", "192"),
            entry("maxMemoryUsedMb", "72"))
        .doesNotContainKeys(LogEvent.COLD_START, LogEvent.INIT_DURATION_MS);
    assertThat(e.service()).isEqualTo("echo-nodejs");
    assertThat(e.traceId()).isNull();
  }

  @Test
  void reportWithStatusTimeoutAndNoTrailingTab() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "REPORT RequestId: 4725a167-21a7-5731-99c2-c3d0e3dfd770\tDuration: 180000.00"
                + " ms\tBilled Duration: 180000 ms\tMemory Size: 1280 MB\tMax Memory Used: 1201"
                + " MB\tStatus: timeout\n");

    assertThat(e.status()).isEqualTo("timeout");
    assertThat(e.durationMs()).isEqualTo(180000.0);
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.isError()).isTrue();
  }

  @Test
  void reportOfAnOutOfMemoryInvocation() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "REPORT RequestId: 276ff3b9-1609-4ee7-a288-db3752630767\tDuration: 10935.70"
                + " ms\tBilled Duration: 10936 ms\tMemory Size: 1024 MB\tMax Memory Used: 1024"
                + " MB\tStatus: error\tError Type: Runtime.OutOfMemory\nXRAY TraceId:"
                + " 1-6ac7d556-032906e375c910cf42cb849e\tSegmentId: 90cbc97f4ee64a7f\tSampled:"
                + " true");

    assertThat(e.status()).isEqualTo("error");
    assertThat(e.error()).isEqualTo("Runtime.OutOfMemory");
    assertThat(e.attributes()).containsEntry(LambdaTextParser.OUT_OF_MEMORY, "true");
    assertThat(e.traceId()).isEqualTo("6ac7d556032906e375c910cf42cb849e");
    assertThat(e.spanId()).isEqualTo("90cbc97f4ee64a7f");
  }

  @Test
  void outOfMemoryHeuristicWhenMaxMemoryUsedReachesMemorySize() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "REPORT RequestId: 276ff3b9-1609-4ee7-a288-db3752630767\tDuration: 10.00 ms\tBilled"
                + " Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t\n");

    assertThat(e.attributes()).containsEntry(LambdaTextParser.OUT_OF_MEMORY, "true");
    assertThat(e.error()).isNull();
  }

  @Test
  void reportOfASnapStartRestore() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "REPORT RequestId: 276ff3b9-1609-4ee7-a288-db3752630767\tDuration: 2.37 ms\tBilled"
                + " Duration: 179 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore"
                + " Duration: 176.42 ms\tBilled Restore Duration: 176 ms\t\n");

    assertThat(e.attributes())
        .contains(
            entry("restoreDurationMs", "176.42"),
            entry("billedRestoreDurationMs", "176"),
            entry(LogEvent.COLD_START, "true"));
  }

  @Test
  void initReportWithErrorType() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "INIT_REPORT Init Duration: 0.79 ms\tPhase: init\tStatus: error\tError Type:"
                + " Runtime.InvalidEntrypoint");

    assertThat(e.kind()).isEqualTo(EventKind.LAMBDA_INIT);
    assertThat(e.durationMs()).isEqualTo(0.79);
    assertThat(e.status()).isEqualTo("error");
    assertThat(e.error()).isEqualTo("Runtime.InvalidEntrypoint");
    assertThat(e.attributes()).containsEntry("phase", "init");
  }

  @Test
  void initReportTimeout() {
    LogEvent e =
        Lines.parse(GROUP, "INIT_REPORT Init Duration: 10007.33 ms\tPhase: init\tStatus: timeout");

    assertThat(e.status()).isEqualTo("timeout");
    assertThat(e.durationMs()).isEqualTo(10007.33);
    assertThat(e.level()).isEqualTo("ERROR");
  }

  @Test
  void runtimeExitedWithError() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "RequestId: 66ce6204-7c13-50f6-a32c-3db39caefc6b Error: Runtime exited with error:"
                + " signal: killed Runtime.ExitError\n");

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.requestId()).isEqualTo("66ce6204-7c13-50f6-a32c-3db39caefc6b");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("Runtime.ExitError");
  }

  @Test
  void legacySpaceSeparatedTimeoutWithDoubleNewline() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "2019-09-18T00:02:46.542Z f2704689-7aa3-4af3-ac88-857c01c4bd45 Task timed out after"
                + " 5.01 seconds\n\n");

    assertThat(e.requestId()).isEqualTo("f2704689-7aa3-4af3-ac88-857c01c4bd45");
    assertThat(e.status()).isEqualTo("timeout");
    assertThat(e.error()).isEqualTo("TaskTimedOut");
    assertThat(e.durationMs()).isEqualTo(5010.0);
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.message()).endsWith("seconds");
  }

  @Test
  void tabSeparatedTimeout() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "2024-11-20T18:19:35.211Z\tfb732cef-3a5d-533a-ba09-73571cbf8624\tTask timed out"
                + " after 900.09 seconds\n");

    assertThat(e.requestId()).isEqualTo("fb732cef-3a5d-533a-ba09-73571cbf8624");
    assertThat(e.status()).isEqualTo("timeout");
    assertThat(e.durationMs()).isEqualTo(900090.0);
  }

  @Test
  void nodeConsoleLine() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "2024-11-24T14:44:34.542Z\t8c8b67c9-9ca3-4659-be83-30071e3045be\tINFO\tCreating"
                + " S3Client without credentials\n");

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.requestId()).isEqualTo("8c8b67c9-9ca3-4659-be83-30071e3045be");
    assertThat(e.level()).isEqualTo("INFO");
    assertThat(e.error()).isNull();
  }

  @Test
  void nodeInvokeErrorWithJsonPayload() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "2019-09-18T00:02:36.070Z\ta62d1861-711f-41fe-8c85-dbf8b9447e43\tERROR\tInvoke"
                + " Error\t{\"errorType\":\"Error\",\"errorMessage\":\"this is an"
                + " error\",\"stack\":[\"Error: this is an error\",\"    at Runtime.handler"
                + " (/var/task/index.js:3:9)\"]}\n");

    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("Error");
    assertThat(e.requestId()).isEqualTo("a62d1861-711f-41fe-8c85-dbf8b9447e43");
  }

  @Test
  void nodeLineWithJsonCarryingATraceId() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "2025-11-14T09:12:35.121Z\t3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60\tINFO\t{\"msg\":\"ok\","
                + "\"traceId\":\"6916f2828c41d2a7e5b03f19a6d4c2e1\"}\n");

    assertThat(e.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.HEX32);
  }

  @Test
  void pythonLoggingLine() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "[WARNING]\t2025-11-14T09:12:35.121Z\t3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60\tslow"
                + " query\n");

    assertThat(e.level()).isEqualTo("WARN");
    assertThat(e.requestId()).isEqualTo("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60");
  }

  @Test
  void plainPrintLineStaysAnUnkeyedAppEvent() {
    LogEvent e =
        Lines.parse(
            "/aws/lambda/getmyip",
            "getmyip: 'foobar', '74.67.17.199', '980fdde9-38fe-4817-900b-098ad9230a00',"
                + " 1723903050131\n");

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.traceId()).isNull();
    assertThat(e.requestId()).isNull();
    assertThat(e.service()).isEqualTo("getmyip");
  }

  @Test
  void reportKeysAreMatchedTrimmedAndWhole() {
    String line =
        "REPORT RequestId: f678488e-719f-42a4-b770-bb99cc43afeb\t  Duration: 12.50 ms \t"
            + "Billed Duration : 13 ms\tDuration2: 99 ms\tFuture Field: 1\tMemory Size: 128 MB\t"
            + "Max Memory Used: 128 MB\tmemory size: 1 MB\t";

    LogEvent e = Lines.parse(GROUP, line);

    assertThat(e.durationMs()).isEqualTo(12.5);
    assertThat(e.attributes())
        .contains(
            entry("billedDurationMs", "13"),
            entry("memorySizeMb", "128"),
            entry("maxMemoryUsedMb", "128"),
            entry(LambdaTextParser.OUT_OF_MEMORY, "true"))
        .doesNotContainKeys("Duration2", "Future Field");
  }
}
