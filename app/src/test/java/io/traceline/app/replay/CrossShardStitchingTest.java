package io.traceline.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.TracelineRun;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.ingest.parse.RequestMemory;
import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import io.traceline.model.Timeline;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: one Lambda invocation whose app lines and REPORT CloudWatch delivered in two
 * subscription messages, read on two Kinesis shards by two ingest readers with their own memories.
 * Neither reader can key the REPORT (it carries no XRAY line); the correlator's request stitcher
 * does, from the link the other reader published, and the timeline has the cold start of the
 * REPORT's Init Duration.
 */
@Timeout(120)
class CrossShardStitchingTest {

  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";
  private static final String XRAY = "1-6916f282-8c41d2a7e5b03f19a6d4c2e1";
  private static final String REQUEST = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
  private static final String GROUP = "/aws/lambda/orders-api";
  private static final String STREAM = "2025/11/14/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  private static final long T0 = 1763111554802L;

  @TempDir Path dir;

  private static SubscriptionMessage message(String group, String stream, long t, String... lines) {
    List<CloudWatchEvent> events = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      events.add(
          new CloudWatchEvent(
              String.format("3879352154832090%040d", t + i), t + i * 10L, lines[i]));
    }
    return new SubscriptionMessage(
        SubscriptionMessage.DATA_MESSAGE, "123456789012", group, stream, List.of("f"), events);
  }

  /** The API Gateway access log of the request: the timeline's entry. */
  static SubscriptionMessage accessLog() {
    return message(
        "/aws/apigateway/orders-api-prod-access",
        "cad8f1d2e3b4a5968778695a4b3c2d1e",
        T0 - 30,
        "{\"requestId\":\"c2d7e8f1-4a3b-4e5c-9d6f-7a8b9c0d1e2f\",\"httpMethod\":\"POST\","
            + "\"resourcePath\":\"/orders\",\"status\":504,\"responseLatency\":3100,"
            + "\"xrayTraceId\":\""
            + XRAY
            + "\",\"integrationRequestId\":\""
            + REQUEST
            + "\"}");
  }

  /** Shard 1: the START and the app lines, which name the trace. */
  static SubscriptionMessage appLines() {
    return message(
        GROUP,
        STREAM,
        T0,
        "START RequestId: " + REQUEST + " Version: $LATEST\n",
        "{\"level\":\"INFO\",\"message\":\"Received order request\",\"function_request_id\":\""
            + REQUEST
            + "\",\"xray_trace_id\":\""
            + XRAY
            + "\"}\n",
        "charging the card\n");
  }

  /** Shard 2: the END and the REPORT of the same invocation, no XRAY line, timed out. */
  static SubscriptionMessage endAndReport() {
    return message(
        GROUP,
        STREAM,
        T0 + 3000,
        "END RequestId: " + REQUEST + "\n",
        "REPORT RequestId: "
            + REQUEST
            + "\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 512 MB\tMax Memory"
            + " Used: 201 MB\tInit Duration: 316.22 ms\tStatus: timeout\n");
  }

  @Test
  void twoReadersAndTheStitcherGiveOneTimelineWithTheColdStart() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordProcessor processor = new RecordProcessor(registry);
    RequestMemory shard1 = new RequestMemory("shard-1", 1000, Duration.ofMinutes(15), registry);
    RequestMemory shard2 = new RequestMemory("shard-2", 1000, Duration.ofMinutes(15), registry);
    long ingested = T0 + 5000;
    // Shard 2's reader is ahead: the unkeyed REPORT reaches the correlator before the link.
    Outcome report = processor.process(gzip(endAndReport()), source("shard-2"), ingested, shard2);
    Outcome app = processor.process(gzip(appLines()), source("shard-1"), ingested + 200, shard1);
    Outcome access = processor.processDecoded(accessLog(), source("shard-3"));
    assertThat(report.keyed()).isEmpty();
    assertThat(report.unkeyed()).hasSize(2);
    assertThat(app.links()).singleElement().extracting(RequestLink::traceId).isEqualTo(TRACE);

    List<Timeline> timelines = new ArrayList<>();
    try (OfflineCorrelator correlator =
        new OfflineCorrelator(CorrelatorSettings.defaults(), registry)) {
      for (Outcome outcome : List.of(report, app, access)) {
        for (LogEvent e : outcome.keyed()) {
          timelines.addAll(correlator.add(e));
        }
        for (LogEvent e : outcome.unkeyed()) {
          timelines.addAll(correlator.addUnkeyed(e));
        }
        for (RequestLink l : outcome.links()) {
          timelines.addAll(correlator.addLink(l));
        }
      }
      timelines.addAll(correlator.finish());
      assertThat(correlator.stitched()).isEqualTo(2);
    }

    assertThat(timelines).singleElement().satisfies(CrossShardStitchingTest::isTheWholeRequest);
  }

  @Test
  void replayingTheTwoRecordsStitchesTheSameWay() throws Exception {
    Path input = dir.resolve("decoded.jsonl");
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (SubscriptionMessage m : List.of(endAndReport(), appLines(), accessLog())) {
      lines.write(SubscriptionDecoder.toJson(m));
      lines.write('\n');
    }
    Files.write(input, lines.toByteArray());
    Path out = dir.resolve("timelines.jsonl");
    TracelineRun cli = new TracelineRun();

    int code = cli.run("replay", "--input", input.toString(), "--output", out.toString());

    assertThat(code).isZero();
    List<Timeline> timelines =
        Files.readAllLines(out, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .map(l -> Json.readTimeline(l.getBytes(StandardCharsets.UTF_8)))
            .toList();
    assertThat(timelines).singleElement().satisfies(CrossShardStitchingTest::isTheWholeRequest);
    assertThat(cli.err()).contains("2 without a trace id in their record (2 of them keyed");
  }

  private static void isTheWholeRequest(Timeline t) {
    assertThat(t.traceId()).isEqualTo(TRACE);
    assertThat(t.eventCount()).isEqualTo(6); // access log, START, 2 app lines, END, REPORT
    assertThat(t.events())
        .extracting(LogEvent::kind)
        .contains(EventKind.ACCESS_LOG, EventKind.LAMBDA_START, EventKind.LAMBDA_REPORT);
    assertThat(t.events())
        .filteredOn(e -> e.kind() == EventKind.LAMBDA_REPORT)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.attributes())
                  .containsEntry("traceFrom", "correlator")
                  .containsEntry(LogEvent.INIT_DURATION_MS, "316.22");
              assertThat(e.status()).isEqualTo("timeout");
            });
    assertThat(t.hasFlag(FlagType.COLD_START)).isTrue();
    assertThat(t.hasFlag(FlagType.TIMEOUT)).isTrue();
    assertThat(t.segments())
        .filteredOn(s -> s.service().equals("orders-api"))
        .singleElement()
        .satisfies(s -> assertThat(s.coldStart()).isTrue());
  }

  private static byte[] gzip(SubscriptionMessage message) {
    return SubscriptionDecoder.encode(message);
  }

  private static Source source(String shard) {
    return new Source("cw-logs-stream", shard, null);
  }
}
