package io.traceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.ingest.decode.DecodeResult;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.ingest.parse.RequestMemory;
import io.traceline.model.LogEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RecordProcessorTest {

  private static final Instant NOW = Instant.parse("2025-11-14T09:12:40Z");
  private static final Source SOURCE =
      new Source("cw-logs-stream", "shardId-000000000001", "4960000000000000000001");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordProcessor processor =
      new RecordProcessor(registry, new SubscriptionDecoder(), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void lambdaRecordIsFullyKeyed() {
    Outcome outcome = processor.process(Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START), SOURCE);

    assertThat(outcome.keyed()).hasSize(7);
    assertThat(outcome.unkeyed()).isEmpty();
    assertThat(outcome.deadLetters()).isEmpty();
    assertThat(outcome.controlMessages()).isZero();
    assertThat(outcome.source()).isEqualTo(SOURCE);
    assertThat(outcome.keyed())
        .allSatisfy(e -> assertThat(e.ingestedAt()).isEqualTo(NOW.toEpochMilli()));
    assertThat(count(RecordProcessor.RECORDS, "outcome", "data")).isEqualTo(1);
    assertThat(count(RecordProcessor.EVENTS, "routing", "keyed")).isEqualTo(7);
    assertThat(count(RecordProcessor.EVENTS, "routing", "unkeyed")).isZero();
  }

  @Test
  void apiGatewayRecordGivesThreeKeyedAccessLogs() {
    Outcome outcome = processor.process(Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS), SOURCE);

    assertThat(outcome.keyed()).hasSize(3);
    assertThat(count(RecordProcessor.EVENTS, "routing", "keyed")).isEqualTo(3);
  }

  @Test
  void decodedJsonGoesThroughTheSamePathAsGzip() {
    byte[] gzip = Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START);
    DecodeResult.Data data = (DecodeResult.Data) new SubscriptionDecoder().decode(gzip);
    Outcome fromJson = processor.processJson(SubscriptionDecoder.toJson(data.message()), SOURCE);

    assertThat(fromJson.keyed()).isEqualTo(processor.process(gzip, SOURCE).keyed());
    assertThat(count(RecordProcessor.RECORDS, "outcome", "data")).isEqualTo(2);
  }

  @Test
  void undecodableJsonBecomesADeadLetterWithTheOriginalBytes() {
    byte[] notJson = "{\"messageType\":".getBytes(StandardCharsets.UTF_8);
    Outcome outcome = processor.processJson(notJson, SOURCE);

    assertThat(outcome.keyed()).isEmpty();
    assertThat(outcome.deadLetters()).hasSize(1);
    assertThat(outcome.deadLetters().get(0).reason()).isEqualTo("not-json");
    assertThat(outcome.deadLetters().get(0).payload()).isEqualTo(notJson);
    assertThat(count(RecordProcessor.RECORDS, "outcome", "failed")).isEqualTo(1);
  }

  @Test
  void controlMessageIsCountedAndSkipped() {
    Outcome outcome = processor.process(Fixtures.kinesisData(Fixtures.CONTROL_MESSAGE), SOURCE);

    assertThat(outcome.isEmpty()).isTrue();
    assertThat(outcome.controlMessages()).isEqualTo(1);
    assertThat(count(RecordProcessor.RECORDS, "outcome", "control")).isEqualTo(1);
    assertThat(count(RecordProcessor.RECORDS, "outcome", "data")).isZero();
    assertThat(count(RecordProcessor.EVENTS, "routing", "keyed")).isZero();
  }

  @Test
  void undecodableRecordBecomesADeadLetterWithTheOriginalBytes() {
    byte[] base64Text =
        Fixtures.base64(Fixtures.LAMBDA_COLD_START).getBytes(StandardCharsets.US_ASCII);

    Outcome outcome = processor.process(base64Text, SOURCE);

    assertThat(outcome.eventCount()).isZero();
    assertThat(outcome.deadLetters())
        .singleElement()
        .satisfies(
            dl -> {
              assertThat(dl.reason()).isEqualTo("not-gzip");
              assertThat(dl.detail()).contains("base64");
              assertThat(dl.payload()).isEqualTo(base64Text);
              assertThat(dl.source()).isEqualTo(SOURCE);
            });
    assertThat(count(RecordProcessor.RECORDS, "outcome", "failed")).isEqualTo(1);
    assertThat(count(RecordProcessor.DECODE_FAILURES, "reason", "not-gzip")).isEqualTo(1);
  }

  @Test
  void everyDecodeFailureIsCountedByReason() {
    byte[] gzip = Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS);

    processor.process(Arrays.copyOf(gzip, gzip.length / 2), SOURCE);
    processor.process(Arrays.copyOf(gzip, gzip.length - 1), SOURCE);
    processor.process(new byte[0], SOURCE);
    processor.process(null, SOURCE);

    assertThat(count(RecordProcessor.DECODE_FAILURES, "reason", "truncated-gzip")).isEqualTo(2);
    assertThat(count(RecordProcessor.DECODE_FAILURES, "reason", "empty")).isEqualTo(2);
    assertThat(count(RecordProcessor.RECORDS, "outcome", "failed")).isEqualTo(4);
  }

  @Test
  void concatenatedMembersAreAllProcessed() {
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.writeBytes(Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START));
    both.writeBytes(Fixtures.kinesisData(Fixtures.CONTROL_MESSAGE));
    both.writeBytes(Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS));

    Outcome outcome = processor.process(both.toByteArray(), SOURCE);

    assertThat(outcome.keyed()).hasSize(10);
    assertThat(outcome.controlMessages()).isEqualTo(1);
    assertThat(count(RecordProcessor.RECORDS, "outcome", "data")).isEqualTo(2);
  }

  @Test
  void eventWithoutIdIsADeadLetterAndTheOthersGoOn() {
    SubscriptionMessage message =
        new SubscriptionMessage(
            SubscriptionMessage.DATA_MESSAGE,
            "123456789012",
            "/aws/lambda/fn",
            "2025/11/14/[$LATEST]abc",
            List.of("f"),
            List.of(
                new CloudWatchEvent("", 1L, "orphan line\n"),
                new CloudWatchEvent("2", 2L, "END RequestId: x\n")));

    Outcome outcome = processor.processDecoded(message, SOURCE);

    assertThat(outcome.unkeyed()).extracting(LogEvent::id).containsExactly("2");
    assertThat(outcome.deadLetters())
        .singleElement()
        .satisfies(
            dl -> {
              assertThat(dl.reason()).isEqualTo(RecordProcessor.INVALID_EVENT);
              DecodeResult replay = new SubscriptionDecoder().decodeJson(dl.payload());
              assertThat(replay).isInstanceOf(DecodeResult.Data.class);
              assertThat(((DecodeResult.Data) replay).message().logEvents())
                  .singleElement()
                  .extracting(CloudWatchEvent::message)
                  .isEqualTo("orphan line\n");
            });
    assertThat(count(RecordProcessor.EVENTS, "routing", "dead-letter")).isEqualTo(1);
    assertThat(count(RecordProcessor.EVENT_FAILURES, "reason", "invalid-event")).isEqualTo(1);
    assertThat(count(RecordProcessor.EVENTS, "routing", "unkeyed")).isEqualTo(1);
  }

  @Test
  void processDecodedCountsControlMessages() {
    SubscriptionMessage control =
        new SubscriptionMessage(
            SubscriptionMessage.CONTROL_MESSAGE, "CloudwatchLogs", "", "", List.of(), List.of());

    assertThat(processor.processDecoded(control, SOURCE).controlMessages()).isEqualTo(1);
    assertThat(count(RecordProcessor.RECORDS, "outcome", "control")).isEqualTo(1);
  }

  @Test
  void unkeyedEventsAreRoutedAsSuch() {
    SubscriptionMessage message =
        new SubscriptionMessage(
            SubscriptionMessage.DATA_MESSAGE,
            "1",
            "/ecs/orders-svc",
            "app/orders/1",
            List.of(),
            List.of(new CloudWatchEvent("1", 1L, "GET /health 200")));

    Outcome outcome = processor.processDecoded(message, SOURCE);

    assertThat(outcome.unkeyed()).hasSize(1);
    assertThat(count(RecordProcessor.EVENTS, "routing", "unkeyed")).isEqualTo(1);
  }

  private double count(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  // ---------------------------------------------------------------------------------------------
  // across records: one reader, one RequestMemory

  private static final String R = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";
  private static final String GROUP = "/aws/lambda/orders-api";
  private static final String STREAM = "2025/11/14/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  private static final long T = 1763111554802L;

  static byte[] record(String firstId, long firstTimestamp, String... lines) {
    List<CloudWatchEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      events.add(new CloudWatchEvent(firstId + i, firstTimestamp + i, lines[i]));
    }
    return SubscriptionDecoder.encode(
        new SubscriptionMessage(
            SubscriptionMessage.DATA_MESSAGE, "123456789012", GROUP, STREAM, List.of("f"), events));
  }

  static byte[] appLines() {
    return record(
        "1000",
        T,
        "START RequestId: " + R + " Version: $LATEST\n",
        "{\"level\":\"INFO\",\"function_request_id\":\""
            + R
            + "\",\"xray_trace_id\":\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\"}\n");
  }

  static byte[] endAndReport() {
    return record(
        "2000",
        T + 3000,
        "END RequestId: " + R + "\n",
        "REPORT RequestId: "
            + R
            + "\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 512 MB\tMax Memory"
            + " Used: 201 MB\tInit Duration: 316.22 ms\tStatus: timeout\n");
  }

  @Test
  void aReportWithoutXrayInTheNextRecordTakesTheTraceTheReadersMemoryLearned() {
    RequestMemory memory = new RequestMemory("shard-1", 100, Duration.ofMinutes(15), registry);
    long now = NOW.toEpochMilli();

    Outcome first = processor.process(appLines(), SOURCE, now, memory);
    Outcome second = processor.process(endAndReport(), SOURCE, now + 1000, memory);

    assertThat(first.keyed()).hasSize(2);
    assertThat(first.links())
        .singleElement()
        .satisfies(l -> assertThat(l.startTime()).isEqualTo(T));
    assertThat(second.unkeyed()).isEmpty();
    assertThat(second.keyed()).hasSize(2).allSatisfy(e -> assertThat(e.traceId()).isEqualTo(TRACE));
    LogEvent report = second.keyed().get(1);
    assertThat(report.attributes())
        .containsEntry("traceFrom", "earlier-message")
        .containsEntry(LogEvent.INIT_DURATION_MS, "316.22");
    assertThat(report.status()).isEqualTo("timeout");
    assertThat(second.links())
        .singleElement()
        .satisfies(l -> assertThat(l.startTime()).isEqualTo(T));
    assertThat(count(RecordProcessor.STITCHED, "from", "earlier-message")).isEqualTo(2);
    assertThat(registry.get(RequestMemory.ENTRIES).tag("memory", "shard-1").gauge().value())
        .isEqualTo(1); // the request; the stream's invocation is closed
  }

  @Test
  void theStatelessMethodsStillStitchWithinOneRecordOnly() {
    Outcome first = processor.process(appLines(), SOURCE);
    Outcome second = processor.process(endAndReport(), SOURCE);

    assertThat(first.links()).hasSize(1);
    assertThat(second.keyed()).isEmpty();
    assertThat(second.unkeyed()).hasSize(2);
    assertThat(second.links()).isEmpty();
  }

  @Test
  void initStartInOneRecordJoinsTheColdStartOfTheNext() {
    RequestMemory memory = new RequestMemory(100, Duration.ofMinutes(15));
    long now = NOW.toEpochMilli();
    byte[] invocation =
        record(
            "1000",
            T,
            "START RequestId: " + R + " Version: $LATEST\n",
            "{\"level\":\"INFO\",\"function_request_id\":\""
                + R
                + "\",\"xray_trace_id\":\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\"}\n",
            "END RequestId: " + R + "\n",
            "REPORT RequestId: "
                + R
                + "\tDuration: 2.00 ms\tBilled Duration: 319 ms\tMemory Size: 512 MB\tMax Memory"
                + " Used: 201 MB\tInit Duration: 316.22 ms\t\n");

    Outcome first = processor.processDecoded(decode(initStart()), SOURCE, now, memory);
    Outcome second = processor.process(invocation, SOURCE, now + 500, memory);

    assertThat(first.unkeyed())
        .singleElement()
        .satisfies(e -> assertThat(e.id()).isEqualTo("5000"));
    assertThat(second.keyed()).hasSize(5);
    LogEvent again = second.keyed().get(0);
    assertThat(again.id()).isEqualTo("5000");
    assertThat(again.traceId()).isEqualTo(TRACE);
    assertThat(again.requestId()).isEqualTo(R);
    assertThat(again.attributes()).containsEntry(LogEvent.COLD_START, "true");
    assertThat(second.links())
        .singleElement()
        .satisfies(l -> assertThat(l.initDurationMs()).isEqualTo(316.22));
  }

  @Test
  void initStartInOneRecordIsLeftToTheCorrelatorWhenTheNextDoesNotShowTheInitPhase() {
    RequestMemory memory = new RequestMemory(100, Duration.ofMinutes(15));
    long now = NOW.toEpochMilli();

    Outcome first = processor.processDecoded(decode(initStart()), SOURCE, now, memory);
    Outcome second = processor.process(appLines(), SOURCE, now + 500, memory);

    assertThat(first.unkeyed()).hasSize(1);

    // R's START may be a later invocation's: the message with the environment's first one may
    // have gone to another reader. The link's START time lets the correlator decide.
    assertThat(second.keyed()).extracting(LogEvent::id).containsExactly("10000", "10001");
    assertThat(second.links())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.startTime()).isEqualTo(T);
              assertThat(l.initDurationMs()).isNull();
            });
  }

  private static byte[] initStart() {
    return record(
        "500", T - 317, "INIT_START Runtime Version: python:3.13.v16\tRuntime Version ARN: x\n");
  }

  @Test
  void twoReadersWithTheirOwnMemoriesCannotJoinWhatTheyDidNotBothSee() {
    // The shards' readers: the correlator joins these from the link and the unkeyed events.
    RequestMemory a = new RequestMemory(100, Duration.ofMinutes(15));
    RequestMemory b = new RequestMemory(100, Duration.ofMinutes(15));
    long now = NOW.toEpochMilli();

    Outcome first = processor.process(appLines(), SOURCE, now, a);
    Outcome second = processor.process(endAndReport(), SOURCE, now, b);

    assertThat(first.links()).hasSize(1);
    assertThat(second.unkeyed()).hasSize(2);
  }

  private static SubscriptionMessage decode(byte[] gzip) {
    return ((DecodeResult.Data) new SubscriptionDecoder().decode(gzip)).message();
  }
}
