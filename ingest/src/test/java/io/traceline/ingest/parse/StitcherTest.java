package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.ingest.Fixtures;
import io.traceline.ingest.decode.DecodeResult;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StitcherTest {

  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";
  private static final String REQUEST = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";

  private final LineParser parser = new LineParser();

  @Test
  void everyLineOfTheColdStartInvocationIsKeyed() {
    List<LogEvent> events = parse(Fixtures.LAMBDA_COLD_START);

    assertThat(events)
        .extracting(LogEvent::kind)
        .containsExactly(
            EventKind.LAMBDA_INIT,
            EventKind.LAMBDA_START,
            EventKind.APP,
            EventKind.APP,
            EventKind.APP,
            EventKind.LAMBDA_END,
            EventKind.LAMBDA_REPORT);
    assertThat(events).allSatisfy(e -> assertThat(e.traceId()).isEqualTo(TRACE));
    assertThat(events).allSatisfy(e -> assertThat(e.requestId()).isEqualTo(REQUEST));
    assertThat(events).allSatisfy(e -> assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY));
    assertThat(events).allSatisfy(e -> assertThat(e.service()).isEqualTo("orders-api"));

    LogEvent init = events.get(0);
    assertThat(init.attributes())
        .containsEntry(LogEvent.COLD_START, "true")
        .containsEntry(Stitcher.REQUEST_ID_FROM, "next-start")
        .containsEntry(Stitcher.TRACE_FROM, "requestId");

    LogEvent report = events.get(6);
    assertThat(report.durationMs()).isEqualTo(1984.93);
    assertThat(report.attributes())
        .containsEntry(LogEvent.INIT_DURATION_MS, "316.22")
        .containsEntry(LogEvent.COLD_START, "true")
        .doesNotContainKey(Stitcher.TRACE_FROM); // its own XRAY line
    assertThat(report.spanId()).isEqualTo("5b8f2d1c9a3e7046");
    assertThat(report.message()).contains("\nXRAY TraceId:").doesNotEndWith("\n");

    assertThat(events.get(2).level()).isEqualTo("INFO");
    assertThat(events.get(3).level()).isEqualTo("WARN");
    assertThat(events.get(4).level()).isEqualTo("ERROR");
    assertThat(events.get(4).error()).isEqualTo("ConnectTimeout");
    assertThat(events.get(1).attributes()).containsEntry(Stitcher.TRACE_FROM, "requestId");
    assertThat(events.get(5).attributes()).containsEntry(Stitcher.TRACE_FROM, "requestId");
  }

  @Test
  void apiGatewayPayloadYieldsThreeKeyedAccessLogsAndThe502JoinsTheLambdaTrace() {
    List<LogEvent> events = parse(Fixtures.APIGATEWAY_ACCESS);

    assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e.isKeyed()).isTrue());
    assertThat(events).extracting(LogEvent::kind).containsOnly(EventKind.ACCESS_LOG);
    assertThat(events)
        .extracting(LogEvent::traceId)
        .containsExactly(
            "6916f27d2f6a9c1e4b7d3a8c5e0f1b2d", TRACE, "6916f2839b2c4d6e8f0a1b3c5d7e9f10");
    LogEvent the502 = events.get(1);
    assertThat(the502.status()).isEqualTo("502");
    assertThat(the502.attributes()).containsEntry("integrationRequestId", REQUEST);
    assertThat(the502.timestamp()).isEqualTo(1763111554780L);
    assertThat(the502.startTime()).isEqualTo(1763111554780L);
    assertThat(the502.endTime()).isEqualTo(1763111554780L + 2358);
  }

  @Test
  void withoutAnyTraceNothingIsKeyedButRequestIdsAreInferred() {
    // The real 2024 payload (markbucciarelli.com): no X-Ray, a print line without request id.
    SubscriptionMessage message =
        message(
            "/aws/lambda/getmyip",
            "INIT_START Runtime Version: java:21.v20\tRuntime Version ARN:"
                + " arn:aws:lambda:us-east-1::runtime:21694cc427b5a5dc7b97a7968c13aabc9c4179ebf620795c3398a97968b78c56\n",
            "START RequestId: 980fdde9-38fe-4817-900b-098ad9230a00 Version: $LATEST\n",
            "getmyip: 'foobar', '74.67.17.199', '980fdde9-38fe-4817-900b-098ad9230a00',"
                + " 1723903050131\n",
            "END RequestId: 980fdde9-38fe-4817-900b-098ad9230a00\n",
            "REPORT RequestId: 980fdde9-38fe-4817-900b-098ad9230a00\tDuration: 428.69 ms\tBilled"
                + " Duration: 429 ms\tMemory Size: 128 MB\tMax Memory Used: 98 MB\tInit Duration:"
                + " 454.60 ms\t\n");

    List<LogEvent> events = parser.parseMessage(message, 0);

    assertThat(events).noneMatch(LogEvent::isKeyed);
    assertThat(events)
        .extracting(LogEvent::requestId)
        .containsOnly("980fdde9-38fe-4817-900b-098ad9230a00");
    assertThat(events.get(2).attributes()).containsEntry(Stitcher.REQUEST_ID_FROM, "invocation");
  }

  @Test
  void twoInvocationsInOneMessageAreStitchedSeparately() {
    String r1 = "11111111-1111-4111-8111-111111111111";
    String r2 = "22222222-2222-4222-8222-222222222222";
    SubscriptionMessage message =
        message(
            "/aws/lambda/worker",
            "START RequestId: " + r1 + " Version: $LATEST\n",
            "2025-11-14T09:12:35.121Z\t" + r1 + "\tINFO\tno trace here\n",
            "END RequestId: " + r1 + "\n",
            "REPORT RequestId: " + r1 + "\tDuration: 1.00 ms\tBilled Duration: 1 ms\t\n",
            "START RequestId: " + r2 + " Version: $LATEST\n",
            "2025-11-14T09:12:36.121Z\t"
                + r2
                + "\tINFO\tcalling with traceparent"
                + " 00-"
                + TRACE
                + "-5b8f2d1c9a3e7046-01\n",
            "END RequestId: " + r2 + "\n",
            "REPORT RequestId: " + r2 + "\tDuration: 2.00 ms\tBilled Duration: 2 ms\t\n");

    List<LogEvent> events = parser.parseMessage(message, 0);

    assertThat(events.subList(0, 4)).noneMatch(LogEvent::isKeyed);
    assertThat(events.subList(4, 8))
        .allSatisfy(e -> assertThat(e.traceId()).isEqualTo(TRACE))
        .allSatisfy(e -> assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.W3C_TRACEPARENT));
  }

  @Test
  void platformTraceWinsOverAnAppLineThatDisagrees() {
    String r = "33333333-3333-4333-8333-333333333333";
    SubscriptionMessage message =
        message(
            "/aws/lambda/worker",
            "START RequestId: " + r + " Version: $LATEST\n",
            "{\"level\":\"INFO\",\"function_request_id\":\""
                + r
                + "\","
                + "\"trace_id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}\n",
            "END RequestId: " + r + "\n",
            "REPORT RequestId: "
                + r
                + "\tDuration: 1.00 ms\t\nXRAY TraceId: 1-6916f282-"
                + "8c41d2a7e5b03f19a6d4c2e1\tSegmentId: 5b8f2d1c9a3e7046\tSampled: true\t\n");

    List<LogEvent> events = parser.parseMessage(message, 0);

    assertThat(events.get(0).traceId()).isEqualTo(TRACE);
    assertThat(events.get(1).traceId()).isEqualTo("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); // its own
    assertThat(events.get(2).traceId()).isEqualTo(TRACE);
  }

  @Test
  void initLinesBeforeTheFirstStartFollowItsRequest() {
    String r = "44444444-4444-4444-8444-444444444444";
    SubscriptionMessage message =
        message(
            "/aws/lambda/worker",
            "INIT_START Runtime Version: nodejs:22.v1\n",
            "loading config from SSM\n",
            "START RequestId: " + r + " Version: $LATEST\n",
            "{\"level\":\"INFO\",\"requestId\":\""
                + r
                + "\",\"xrayTraceId\":\"1-6916f282-"
                + "8c41d2a7e5b03f19a6d4c2e1\"}\n");

    List<LogEvent> events = parser.parseMessage(message, 0);

    assertThat(events).allSatisfy(e -> assertThat(e.traceId()).isEqualTo(TRACE));
  }

  @Test
  void singleEventsAndEmptyMessagesPassThrough() {
    assertThat(LineParser.stitch(List.of())).isEmpty();
    LogEvent only = Lines.parse("/aws/lambda/fn", "END RequestId: x\n");
    assertThat(LineParser.stitch(List.of(only))).containsExactly(only);
  }

  private List<LogEvent> parse(String fixture) {
    DecodeResult result = new SubscriptionDecoder().decode(Fixtures.kinesisData(fixture));
    assertThat(result).isInstanceOf(DecodeResult.Data.class);
    return parser.parseMessage(((DecodeResult.Data) result).message(), 1763111560000L);
  }

  private static SubscriptionMessage message(String group, String... lines) {
    List<CloudWatchEvent> events = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      events.add(new CloudWatchEvent("id-" + i, 1763111554802L + i, lines[i]));
    }
    return new SubscriptionMessage(
        SubscriptionMessage.DATA_MESSAGE,
        "123456789012",
        group,
        "2025/11/14/[$LATEST]abc",
        List.of("f"),
        events);
  }
}
