package io.traceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.ingest.decode.DecodeResult;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.LogEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
}
