package io.traceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the parsers really produce conforms to the LogEvent contract's JSON Schema. */
@Timeout(30)
class ParsedEventsSchemaTest {

  private static final JsonSchema SCHEMA =
      JsonSchemaFactory.getInstance(
              SpecVersion.VersionFlag.V202012,
              builder ->
                  builder.schemaMappers(
                      mappers ->
                          mappers.mapPrefix(
                              "https://traceline.example/schema/", "classpath:schema/")))
          .getSchema(SchemaLocation.of("classpath:schema/log-event.schema.json"));

  private final RecordProcessor processor = new RecordProcessor(new SimpleMeterRegistry());

  @Test
  void eventsParsedFromTheReferencePayloadsConform() {
    List<LogEvent> events = new ArrayList<>();
    for (String fixture : List.of(Fixtures.LAMBDA_COLD_START, Fixtures.APIGATEWAY_ACCESS)) {
      Outcome outcome =
          processor.process(Fixtures.kinesisData(fixture), new Source("test", null, "1"));
      events.addAll(outcome.keyed());
      events.addAll(outcome.unkeyed());
    }
    assertThat(events).hasSize(10);
    assertConform(events);
  }

  @Test
  void eventsWithBadNumbersAndOddLinesConform() {
    long t = 1_763_111_555_119L;
    List<CloudWatchEvent> lines =
        List.of(
            new CloudWatchEvent(
                "1",
                t,
                "{\"requestId\":\"a\",\"httpMethod\":\"GET\",\"status\":200,\"responseLatency\":\"-5\"}"),
            new CloudWatchEvent(
                "2",
                t,
                "{\"requestId\":\"b\",\"httpMethod\":\"GET\",\"status\":200,\"responseLatency\":1e400}"),
            new CloudWatchEvent(
                "3",
                t,
                "{\"requestId\":\"c\",\"httpMethod\":\"GET\",\"requestTimeEpoch\":99999999999999999}"),
            new CloudWatchEvent("4", t, "REPORT RequestId: x\tDuration: -3.00 ms\t\n"),
            new CloudWatchEvent(
                "5", t, "plain text with TraceID: 6916f2828c41d2a7e5b03f19a6d4c2e1"),
            new CloudWatchEvent(
                "6", t, "{\"level\":\"ERROR\",\"trace_id\":\"garbage\",\"msg\":\"x\"}"));
    Outcome outcome =
        processor.processDecoded(
            new SubscriptionMessage(
                SubscriptionMessage.DATA_MESSAGE,
                "123456789012",
                "/aws/apigateway/shop-api-access",
                "s",
                List.of("f"),
                lines),
            new Source("test", null, "1"));
    List<LogEvent> events = new ArrayList<>(outcome.keyed());
    events.addAll(outcome.unkeyed());
    assertThat(outcome.deadLetters()).isEmpty();
    assertThat(events).hasSize(lines.size());
    assertThat(events)
        .allSatisfy(
            e ->
                assertThat(e.durationMs())
                    .satisfiesAnyOf(
                        d -> assertThat(d).isNull(),
                        d -> assertThat(d).isBetween(0.0, LogEvent.MAX_DURATION_MS)));
    assertConform(events);
  }

  @Test
  void spanEventsConform() {
    long t = 1_763_111_555_119L;
    String trace = "\"traceId\":\"6916f2828c41d2a7e5b03f19a6d4c2e1\"";
    List<CloudWatchEvent> lines =
        List.of(
            new CloudWatchEvent(
                "1",
                t,
                "{"
                    + trace
                    + ",\"spanId\":\"5b8f2d1c9a3e7046\",\"kind\":\"SERVER\","
                    + "\"startTimeUnixNano\":1763111555119432100,\"endTimeUnixNano\":1763111555119862533,"
                    + "\"attributes\":{\"peer.service\":\"db\",\"http.response.status_code\":500},"
                    + "\"status\":{\"code\":\"ERROR\",\"message\":\"boom\"}}"),
            new CloudWatchEvent(
                "2",
                t,
                "{\"traceId\":\"a03ee8fff1dcd9b9\",\"id\":\"7a778764a0d0b594\",\"kind\":\"SERVER\","
                    + "\"timestamp\":1763111555119432,\"duration\":1490,\"shared\":true,"
                    + "\"localEndpoint\":{\"serviceName\":\"spectre\"}}"),
            new CloudWatchEvent(
                "3",
                t,
                "{"
                    + trace
                    + ",\"spanId\":\"5b8f2d1c9a3e7046\",\"startTimeUnixNano\":1763111555119432100,"
                    + "\"endTimeUnixNano\":1}"),
            new CloudWatchEvent(
                "4",
                t,
                "{" + trace + ",\"spanId\":\"5b8f2d1c9a3e7046\",\"startTimeUnixNano\":\"x\"}"));
    Outcome outcome =
        processor.processDecoded(
            new SubscriptionMessage(
                SubscriptionMessage.DATA_MESSAGE,
                "123456789012",
                "aws/spans",
                "default",
                List.of("f"),
                lines),
            new Source("test", null, "1"));
    List<LogEvent> events = new ArrayList<>(outcome.keyed());
    events.addAll(outcome.unkeyed());
    assertThat(events)
        .extracting(e -> e.kind().name())
        .containsExactly("SPAN", "SPAN", "SPAN", "APP");
    assertConform(events);
  }

  private static void assertConform(List<LogEvent> events) {
    for (LogEvent e : events) {
      String json = new String(Json.writeEvent(e), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(SCHEMA.validate(json, com.networknt.schema.InputFormat.JSON)).as(json).isEmpty();
    }
  }
}
