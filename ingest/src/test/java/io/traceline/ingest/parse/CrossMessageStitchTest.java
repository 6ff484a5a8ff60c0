package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import io.traceline.model.TraceIdFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stitching across the messages one reader sees, with its {@link RequestMemory}. */
@Timeout(10)
class CrossMessageStitchTest {

  static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";
  static final String XRAY = "1-6916f282-8c41d2a7e5b03f19a6d4c2e1";
  static final String R1 = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
  static final String R2 = "22222222-2222-4222-8222-222222222222";
  static final String GROUP = "/aws/lambda/orders-api";
  static final String STREAM = "2025/11/14/[$LATEST]0a1b2c3d";
  static final long T0 = 1_763_111_552_000L;
  static final long NOW = 1_763_111_560_000L;

  private final LineParser parser = new LineParser();
  private final RequestMemory memory = new RequestMemory(100, Duration.ofMinutes(15));
  private int nextId;

  @Test
  void aReportWithoutXrayInTheNextMessageTakesTheTraceOfTheAppLinesOfTheFirst() {
    Stitcher.Stitched first =
        stitch(
            memory,
            "START RequestId: " + R1 + " Version: $LATEST\n",
            "{\"level\":\"INFO\",\"function_request_id\":\""
                + R1
                + "\",\"xray_trace_id\":\""
                + XRAY
                + "\",\"message\":\"charging card\"}\n",
            "print without request id\n");
    Stitcher.Stitched second =
        stitch(
            memory,
            "still charging\n",
            "END RequestId: " + R1 + "\n",
            "REPORT RequestId: "
                + R1
                + "\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax"
                + " Memory Used: 128 MB\tInit Duration: 412.50 ms\tStatus: timeout\n");

    assertThat(first.events()).allSatisfy(e -> assertThat(e.traceId()).isEqualTo(TRACE));
    assertThat(second.events()).allSatisfy(e -> assertThat(e.traceId()).isEqualTo(TRACE));
    assertThat(second.events()).extracting(LogEvent::requestId).containsOnly(R1);
    LogEvent report = second.events().get(2);
    assertThat(report.kind()).isEqualTo(EventKind.LAMBDA_REPORT);
    assertThat(report.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY);
    assertThat(report.status()).isEqualTo("timeout");
    assertThat(report.attributes())
        .containsEntry(Stitcher.TRACE_FROM, Stitcher.EARLIER_MESSAGE)
        .containsEntry(LogEvent.COLD_START, "true")
        .containsEntry("outOfMemory", "true");
    assertThat(second.events().get(0).attributes())
        .containsEntry(Stitcher.REQUEST_ID_FROM, Stitcher.EARLIER_MESSAGE)
        .containsEntry(Stitcher.TRACE_FROM, Stitcher.EARLIER_MESSAGE);
    assertThat(second.fromEarlierMessages()).isEqualTo(4); // 1 request id + 3 traces

    // Each message names the request's trace, with the START time once it is known.
    assertThat(first.links()).singleElement().satisfies(l -> assertLink(l, T0));
    assertThat(second.links()).singleElement().satisfies(l -> assertLink(l, T0));
  }

  @Test
  void requestLessLinesOfAMessageThatDoesNotEndTheOpenInvocationStayUnkeyed() {
    // Message 1 (this reader): START R1. Message 2 went to another reader (or comes later): END
    // R1, START R2. Message 3 (this reader, now): lines of R2 without a request id. The memory
    // still thinks R1 is open; joining them to R1 would be wrong.
    stitch(memory, "START RequestId: " + R1 + " Version: $LATEST\n");
    Stitcher.Stitched third = stitch(memory, "print in the second invocation\n", "another print\n");

    assertThat(third.events()).noneMatch(LogEvent::isKeyed);
    assertThat(third.events()).extracting(LogEvent::requestId).containsOnlyNulls();
  }

  @Test
  void withoutAMemoryTheSecondMessageStaysUnkeyedButTheFirstStillYieldsItsLink() {
    Stitcher.Stitched first =
        stitch(
            null,
            "START RequestId: " + R1 + " Version: $LATEST\n",
            "2025-11-14T09:12:32.001Z\t"
                + R1
                + "\tINFO\ttraceparent 00-"
                + TRACE
                + "-5b8f2d1c9a3e7046-01\n");
    Stitcher.Stitched second =
        stitch(
            null,
            "END RequestId: " + R1 + "\n",
            "REPORT RequestId: " + R1 + "\tDuration: 3.00 ms\tBilled Duration: 3 ms\t\n");

    assertThat(first.links())
        .singleElement()
        .satisfies(l -> assertThat(l.startTime()).isEqualTo(T0));
    assertThat(second.events()).noneMatch(LogEvent::isKeyed);
    assertThat(second.links()).isEmpty();
  }

  @Test
  void initLinesAtTheEndOfOneMessageJoinTheColdStartOfTheNext() {
    // The reference sample's times: INIT_START 317 ms before START, Init Duration 316.22 ms.
    Stitcher.Stitched first =
        stitchAt(
            at(T0, "INIT_START Runtime Version: nodejs:22.v1\tRuntime Version ARN: x\n"),
            at(T0 + 120, "loading config from SSM\n"));
    Stitcher.Stitched second =
        stitchAt(
            at(T0 + 317, "START RequestId: " + R1 + " Version: $LATEST\n"),
            at(
                T0 + 318,
                "{\"level\":\"INFO\",\"requestId\":\""
                    + R1
                    + "\",\"xrayTraceId\":\""
                    + XRAY
                    + "\"}\n"),
            at(T0 + 410, "END RequestId: " + R1 + "\n"),
            at(T0 + 410, coldReport(R1, "316.22")));

    assertThat(first.events()).noneMatch(LogEvent::isKeyed);
    // The two held lines come again, keyed, ahead of the message's own (same event ids).
    assertThat(second.events()).hasSize(6);
    assertThat(second.events().subList(0, 2))
        .extracting(LogEvent::id)
        .containsExactlyElementsOf(first.events().stream().map(LogEvent::id).toList());
    LogEvent init = second.events().get(0);
    assertThat(init.kind()).isEqualTo(EventKind.LAMBDA_INIT);
    assertThat(init.traceId()).isEqualTo(TRACE);
    assertThat(init.requestId()).isEqualTo(R1);
    assertThat(init.attributes()).containsEntry(Stitcher.REQUEST_ID_FROM, "next-start");
    assertThat(second.events()).allSatisfy(e -> assertThat(e.traceId()).isEqualTo(TRACE));
    assertThat(second.links())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.startTime()).isEqualTo(T0 + 317);
              assertThat(l.initDurationMs()).isEqualTo(316.22);
            });
    assertThat(memory.stream(RequestLink.streamKey(GROUP, STREAM), NOW))
        .as("the init block was used and the invocation ended: nothing left")
        .isNull();
  }

  /**
   * What the demo showed: the message with the environment's first START (R1) went to another
   * reader (or comes later); the next message this reader sees starts the second, warm invocation.
   * The held INIT lines are not R2's.
   */
  @Test
  void heldInitLinesDoNotJoinAWarmStartOfTheNextMessageSeen() {
    stitchAt(
        at(T0, "INIT_START Runtime Version: python:3.12.v101\n"), at(T0 + 40, "loading model\n"));
    Stitcher.Stitched next =
        stitchAt(
            at(T0 + 1500, "START RequestId: " + R2 + " Version: $LATEST\n"),
            at(
                T0 + 1502,
                "{\"level\":\"INFO\",\"requestId\":\""
                    + R2
                    + "\",\"xrayTraceId\":\""
                    + XRAY
                    + "\"}\n"),
            at(T0 + 1540, "END RequestId: " + R2 + "\n"),
            at(
                T0 + 1540,
                "REPORT RequestId: "
                    + R2
                    + "\tDuration: 38.20 ms\tBilled Duration: 39 ms\tMemory Size: 128 MB\tMax"
                    + " Memory Used: 80 MB\t\n"));

    assertThat(next.events())
        .as("only the message's own events: the held lines are left to the correlator")
        .hasSize(4)
        .noneMatch(e -> e.kind() == EventKind.LAMBDA_INIT);
    assertThat(next.events()).extracting(LogEvent::requestId).containsOnly(R2);
    assertThat(next.links())
        .singleElement()
        .satisfies(l -> assertThat(l.initDurationMs()).isNull());
  }

  @Test
  void heldInitLinesOfAnEarlierInitPhaseDoNotJoinALaterColdStart() {
    stitchAt(at(T0, "INIT_START Runtime Version: python:3.12.v101\n"));
    // R1 (the START after that phase) went elsewhere, crashed; the environment ran INIT again.
    Stitcher.Stitched next =
        stitchAt(
            at(T0 + 2000, "START RequestId: " + R2 + " Version: $LATEST\n"),
            at(
                T0 + 2001,
                "{\"level\":\"INFO\",\"requestId\":\""
                    + R2
                    + "\",\"xrayTraceId\":\""
                    + XRAY
                    + "\"}\n"),
            at(T0 + 2040, "END RequestId: " + R2 + "\n"),
            at(T0 + 2040, coldReport(R2, "301.00")));

    assertThat(next.events()).hasSize(4).noneMatch(e -> e.kind() == EventKind.LAMBDA_INIT);
    assertThat(next.links())
        .singleElement()
        .satisfies(l -> assertThat(l.initDurationMs()).isEqualTo(301.0));
  }

  @Test
  void heldInitLinesJoinAColdStartKnownFromAnEarlierMessage() {
    // Out of order: the REPORT's message came before the INIT line's and the START's.
    stitchAt(
        at(T0 + 400, "{\"requestId\":\"" + R1 + "\",\"xrayTraceId\":\"" + XRAY + "\"}\n"),
        at(T0 + 401, "END RequestId: " + R1 + "\n"),
        at(T0 + 401, coldReport(R1, "299.90")));
    stitchAt(at(T0, "INIT_START Runtime Version: python:3.12.v101\n"));
    Stitcher.Stitched start =
        stitchAt(at(T0 + 301, "START RequestId: " + R1 + " Version: $LATEST\n"));

    assertThat(start.events())
        .extracting(e -> e.kind() + ":" + e.requestId() + ":" + e.traceId())
        .containsExactly("LAMBDA_INIT:" + R1 + ":" + TRACE, "LAMBDA_START:" + R1 + ":" + TRACE);
  }

  @Test
  void heldInitLinesWhoseStartHasNoTraceAreNotRepeated() {
    stitch(memory, "INIT_START Runtime Version: nodejs:22.v1\n");
    Stitcher.Stitched second = stitch(memory, "START RequestId: " + R1 + " Version: $LATEST\n");

    assertThat(second.events())
        .singleElement()
        .extracting(LogEvent::kind)
        .isEqualTo(EventKind.LAMBDA_START);
  }

  @Test
  void onlyAMessageThatEndsTheOpenInvocationGivesItsLinesToIt() {
    stitch(
        memory,
        "START RequestId: " + R1 + " Version: $LATEST\n",
        "2025-11-14T09:12:32.001Z\t"
            + R1
            + "\tINFO\ttraceparent 00-"
            + TRACE
            + "-5b8f2d1c9a3e7046-01\n");
    Stitcher.Stitched second = stitch(memory, "still working\n");
    Stitcher.Stitched third = stitch(memory, "almost done\n", "END RequestId: " + R1 + "\n");

    assertThat(second.events())
        .as("nothing in the message shows that R1 is still running")
        .singleElement()
        .satisfies(e -> assertThat(e.traceId()).isNull());
    assertThat(third.events())
        .as("its END shows the lines before it are R1's")
        .allSatisfy(e -> assertThat(e.traceId()).isEqualTo(TRACE));
  }

  @Test
  void aMessageThatContradictsTheOpenInvocationMarksTheStreamSplit() {
    // This reader saw R1 start; another reader saw R1 end and R2 start.
    stitch(
        memory,
        "START RequestId: " + R1 + " Version: $LATEST\n",
        "2025-11-14T09:12:32.001Z\t"
            + R1
            + "\tINFO\ttraceparent 00-"
            + TRACE
            + "-5b8f2d1c9a3e7046-01\n");
    Stitcher.Stitched contradicting =
        stitch(memory, "a line of R2\n", "END RequestId: " + R2 + "\n");
    Stitcher.Stitched later = stitch(memory, "another request-less line\n");

    assertThat(contradicting.events().get(0).requestId()).isNull();
    assertThat(contradicting.events()).noneMatch(LogEvent::isKeyed);
    assertThat(later.events().get(0).requestId())
        .as("a split stream's open invocation is not trusted")
        .isNull();
    assertThat(memory.stream(RequestLink.streamKey(GROUP, STREAM), NOW).split).isTrue();
  }

  @Test
  void aStartWhileAnotherInvocationIsOpenLeavesTheLinesBeforeItUnkeyed() {
    stitch(
        memory,
        "START RequestId: " + R1 + " Version: $LATEST\n",
        "2025-11-14T09:12:32.001Z\t"
            + R1
            + "\tINFO\ttraceparent 00-"
            + TRACE
            + "-5b8f2d1c9a3e7046-01\n");
    Stitcher.Stitched next =
        stitch(memory, "between\n", "START RequestId: " + R2 + " Version: $LATEST\n", "in R2\n");

    assertThat(next.events().get(0).requestId()).isNull();
    assertThat(next.events().get(2).requestId()).isEqualTo(R2);
  }

  @Test
  void accessLogsYieldNoLinks() {
    Stitcher.Stitched access =
        Stitcher.stitch(
            List.of(
                parser.parse(
                    "/aws/apigateway/orders-api-prod-access",
                    "cad8f1d2",
                    new CloudWatchEvent(
                        "1",
                        T0,
                        "{\"requestId\":\"c2d7e8f1-4a3b-4e5c-9d6f-7a8b9c0d1e2f\",\"status\":502,"
                            + "\"xrayTraceId\":\""
                            + XRAY
                            + "\",\"integrationRequestId\":\""
                            + R1
                            + "\"}"),
                    NOW)),
            memory,
            NOW);

    assertThat(access.events()).singleElement().satisfies(e -> assertThat(e.isKeyed()).isTrue());
    assertThat(access.links()).isEmpty();
    assertThat(memory.size()).isZero();
  }

  private static void assertLink(RequestLink link, long startTime) {
    assertThat(link.requestId()).isEqualTo(R1);
    assertThat(link.traceId()).isEqualTo(TRACE);
    assertThat(link.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY);
    assertThat(link.logGroup()).isEqualTo(GROUP);
    assertThat(link.logStream()).isEqualTo(STREAM);
    assertThat(link.startTime()).isEqualTo(startTime);
    assertThat(link.ingestedAt()).isEqualTo(NOW);
  }

  private static String coldReport(String requestId, String initMs) {
    return "REPORT RequestId: "
        + requestId
        + "\tDuration: 92.10 ms\tBilled Duration: 410 ms\tMemory Size: 128 MB\tMax Memory Used:"
        + " 80 MB\tInit Duration: "
        + initMs
        + " ms\t\n";
  }

  /** A line of a message and its event time. */
  private record Line(long timestamp, String text) {}

  private static Line at(long timestamp, String text) {
    return new Line(timestamp, text);
  }

  /** One message of the stream, with the memory, its lines at the given times. */
  private Stitcher.Stitched stitchAt(Line... lines) {
    List<LogEvent> events = new ArrayList<>();
    for (Line line : lines) {
      events.add(
          parser.parse(
              GROUP,
              STREAM,
              new CloudWatchEvent("id-" + nextId++, line.timestamp(), line.text()),
              NOW));
    }
    return Stitcher.stitch(events, memory, NOW);
  }

  /** One message of the stream, its lines 1 ms apart, continuing the times of the last one. */
  private Stitcher.Stitched stitch(RequestMemory memory, String... lines) {
    List<LogEvent> events = new ArrayList<>();
    for (String line : lines) {
      int n = nextId++;
      events.add(parser.parse(GROUP, STREAM, new CloudWatchEvent("id-" + n, T0 + n, line), NOW));
    }
    return Stitcher.stitch(events, memory, NOW);
  }
}
