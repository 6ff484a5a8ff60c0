package io.traceline.model;

import static io.traceline.model.ModelFixtures.CLOUDWATCH_ID;
import static io.traceline.model.ModelFixtures.TRACE_ID;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class JsonCodecTest {

  @Test
  void roundTripsAnEventWithEveryField() {
    LogEvent event = ModelFixtures.fullEvent();

    assertThat(Json.readEvent(Json.writeEvent(event))).isEqualTo(event);
  }

  @Test
  void aTimelineWithItsEventsCopiedAsWrittenIsTheSameTimeline() {
    Timeline timeline = ModelFixtures.fullTimeline();
    assertThat(timeline.events()).hasSizeGreaterThan(1);
    IdentityHashMap<LogEvent, byte[]> canonical = new IdentityHashMap<>();
    for (LogEvent event : timeline.events()) {
      canonical.put(event, Json.writeEvent(event));
    }

    byte[] copied = Json.writeTimeline(timeline, canonical);

    assertThat(new String(copied, UTF_8))
        .isEqualTo(new String(Json.writeTimeline(timeline), UTF_8));
    assertThat(Json.readTimeline(copied)).isEqualTo(timeline);
  }

  /**
   * The map is trusted: what it holds is what goes out (so only the writer's bytes belong in it).
   */
  @Test
  void copiesTheMappedBytesOfAnEventByIdentity() {
    Timeline timeline = ModelFixtures.fullTimeline();
    LogEvent first = timeline.events().get(0);
    LogEvent other = ModelFixtures.minimalEvent();
    IdentityHashMap<LogEvent, byte[]> canonical = new IdentityHashMap<>();
    canonical.put(first, Json.writeEvent(other));

    Timeline read = Json.readTimeline(Json.writeTimeline(timeline, canonical));

    assertThat(read.events().get(0)).isEqualTo(other);
    assertThat(read.events().subList(1, read.events().size()))
        .isEqualTo(timeline.events().subList(1, timeline.events().size()));
  }

  @Test
  void readsAnEventFromASliceOfBytes() {
    byte[] json = Json.writeEvent(ModelFixtures.fullEvent());
    byte[] framed = new byte[json.length + 2];
    framed[0] = 7;
    System.arraycopy(json, 0, framed, 1, json.length);
    framed[framed.length - 1] = 9;

    assertThat(Json.readEvent(framed, 1, json.length)).isEqualTo(ModelFixtures.fullEvent());
    assertThatThrownBy(() -> Json.readEvent(framed, 0, json.length))
        .isInstanceOf(UncheckedIOException.class);
  }

  /**
   * What the writer writes is a contract of its own: correlators copy events kept in the writer's
   * form ({@link Json#CANONICAL_EVENT_FORM}) into timelines without writing them again. When this
   * test fails because the output changed on purpose, bump the form along with the expected text.
   */
  @Test
  void theWritersFormIsTheOneItsVersionNames() {
    assertThat(Json.CANONICAL_EVENT_FORM).isEqualTo("1");
    assertThat(new String(Json.writeEvent(ModelFixtures.fullEvent()), UTF_8))
        .isEqualTo(
            "{\"id\":\"36793265186587381364826348923875925684718272436328120320\",\"timestamp"
                + "\":1763111555873,\"ingestedAt\":1763111556002,\"traceId\":\"6916f2828c41d2a7e5b0"
                + "3f19a6d4c2e1\",\"traceIdFormat\":\"XRAY_HEADER\",\"spanId\":\"5b8f2d1c9a3e7046\""
                + ",\"parentSpanId\":\"05e3ac9a4f6e3b90\",\"requestId\":\"8f5a1c2e-7b3d-4e9f-a1b2-c"
                + "3d4e5f60718\",\"service\":\"orders\",\"operation\":\"POST /orders\",\"logGroup\""
                + ":\"/aws/lambda/orders\",\"logStream\":\"2025/11/14/[$LATEST]0123456789abcdef0123"
                + "456789abcdef\",\"level\":\"ERROR\",\"message\":\"Task timed out after 3.00 secon"
                + "ds\",\"kind\":\"LAMBDA_REPORT\",\"durationMs\":3000.42,\"status\":\"timeout\",\""
                + "error\":\"Sandbox.Timedout\",\"attributes\":{\"coldStart\":\"true\",\"initDurati"
                + "onMs\":\"276.94\"}}");
  }

  /** Written bytes decode to an event that writes the same bytes (what copying them relies on). */
  @Test
  void writtenEventsAreAFixedPointOfReadingAndWriting() {
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < LogEvent.MAX_ATTRIBUTES + 5; i++) {
      many.put("k" + i, "v".repeat(i % 3 == 0 ? LogEvent.MAX_ATTRIBUTE_CHARS + 10 : 3));
    }
    List<LogEvent> events =
        List.of(
            ModelFixtures.fullEvent(),
            ModelFixtures.minimalEvent(),
            ModelFixtures.truncatedEvent(),
            ModelFixtures.minimalEvent().toBuilder().durationMs(-5.0).level("warning").build(),
            ModelFixtures.minimalEvent().toBuilder()
                .message("\uD83D\uDE00 \"quoted\" \\ \u0001")
                .attributes(many)
                .build());
    for (LogEvent event : events) {
      byte[] written = Json.writeEvent(event);

      assertThat(Json.writeEvent(Json.readEvent(written))).isEqualTo(written);
    }
  }

  @Test
  void roundTripsAMinimalEvent() {
    LogEvent event = ModelFixtures.minimalEvent();

    assertThat(Json.readEvent(Json.writeEvent(event))).isEqualTo(event);
  }

  @Test
  void roundTripsATimelineWithEveryField() {
    Timeline timeline = ModelFixtures.fullTimeline();

    assertThat(Json.readTimeline(Json.writeTimeline(timeline))).isEqualTo(timeline);
  }

  @Test
  void roundTripsAMinimalTimeline() {
    Timeline timeline = ModelFixtures.minimalTimeline();

    assertThat(Json.readTimeline(Json.writeTimeline(timeline))).isEqualTo(timeline);
  }

  @Test
  void keepsThe56DigitIdAsAString() throws IOException {
    JsonNode json = tree(Json.writeEvent(ModelFixtures.fullEvent()));

    assertThat(json.get("id").isTextual()).isTrue();
    assertThat(json.get("id").asText()).isEqualTo(CLOUDWATCH_ID);
    assertThat(Json.readEvent(Json.writeEvent(ModelFixtures.fullEvent())).id())
        .isEqualTo(CLOUDWATCH_ID);
  }

  @Test
  void writesTheErrorTextNotTheDerivedErrorFlag() throws IOException {
    LogEvent event = ModelFixtures.fullEvent();

    JsonNode json = tree(Json.writeEvent(event));

    assertThat(json.get("error").isTextual()).isTrue();
    assertThat(json.get("error").asText()).isEqualTo("Sandbox.Timedout");
    assertThat(Json.readEvent(Json.writeEvent(event)).isError()).isTrue();
  }

  @Test
  void anEventThatFailsWithoutAnErrorTextWritesNoErrorField() throws IOException {
    LogEvent event = LogEvent.builder().id("1").level("ERROR").build();

    JsonNode json = tree(Json.writeEvent(event));

    assertThat(event.isError()).isTrue();
    assertThat(json.has("error")).isFalse();
    assertThat(Json.readEvent(Json.writeEvent(event))).isEqualTo(event);
  }

  @Test
  void writesOnlyRecordComponentsNeverDerivedMethods() throws IOException {
    Timeline timeline = ModelFixtures.fullTimeline();
    JsonNode json = tree(Json.writeTimeline(timeline));

    assertThat(fieldNames(json)).containsExactlyInAnyOrderElementsOf(components(Timeline.class));
    assertThat(fieldNames(json.get("entry")))
        .containsExactlyInAnyOrderElementsOf(components(Timeline.Hop.class));
    assertThat(fieldNames(json.get("segments").get(0)))
        .containsExactlyInAnyOrderElementsOf(components(Timeline.Segment.class));
    assertThat(fieldNames(json.get("gaps").get(0)))
        .containsExactlyInAnyOrderElementsOf(components(Timeline.Gap.class));
    assertThat(fieldNames(json.get("bottleneck")))
        .containsExactlyInAnyOrderElementsOf(
            components(Timeline.Bottleneck.class).stream()
                .filter(name -> !name.equals("from")) // null in the fixture
                .collect(Collectors.toSet()));
    assertThat(fieldNames(json.get("flags").get(0)))
        .containsExactlyInAnyOrderElementsOf(components(Timeline.Flag.class));
    assertThat(fieldNames(json.get("edges").get(0)))
        .containsExactlyInAnyOrderElementsOf(components(Timeline.Edge.class));
    // the REPORT event has every field set; isKeyed(), isError(), startTime(), endTime() are not
    assertThat(fieldNames(json.get("events").get(1)))
        .containsExactlyInAnyOrderElementsOf(components(LogEvent.class));
  }

  @Test
  void omitsNullFields() throws IOException {
    JsonNode json = tree(Json.writeEvent(ModelFixtures.minimalEvent()));

    assertThat(fieldNames(json))
        .containsExactlyInAnyOrder(
            "id", "timestamp", "ingestedAt", "service", "message", "kind", "attributes");
    assertThat(json.get("service").asText()).isEqualTo("unknown");
  }

  @Test
  void writesEnumsAsTheirNames() throws IOException {
    JsonNode event = tree(Json.writeEvent(ModelFixtures.fullEvent()));
    JsonNode timeline = tree(Json.writeTimeline(ModelFixtures.fullTimeline()));

    assertThat(event.get("kind").asText()).isEqualTo("LAMBDA_REPORT");
    assertThat(event.get("traceIdFormat").asText()).isEqualTo("XRAY_HEADER");
    assertThat(timeline.get("status").asText()).isEqualTo("REVISED");
    assertThat(timeline.get("bottleneck").get("kind").asText()).isEqualTo("SEGMENT");
    assertThat(timeline.get("flags").get(0).get("type").asText()).isEqualTo("SEGMENT_OUTLIER");
  }

  @Test
  void writesAttributesSortedByKeySoEqualEventsGiveEqualBytes() throws IOException {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (String key : List.of("zeta", "alpha", "mid", "beta")) {
      attributes.put(key, key);
    }
    LogEvent event = LogEvent.builder().id("1").attributes(attributes).build();

    JsonNode json = tree(Json.writeEvent(event));

    assertThat(fieldNames(json.get("attributes"))).containsExactly("alpha", "beta", "mid", "zeta");
  }

  @Test
  void ignoresUnknownFieldsOnRead() throws IOException {
    LogEvent event = ModelFixtures.fullEvent();
    ObjectNode json = (ObjectNode) tree(Json.writeEvent(event));
    json.put("keyed", true);
    json.putObject("addedByANewerProducer").put("x", 1);

    assertThat(Json.readEvent(Json.MAPPER.writeValueAsBytes(json))).isEqualTo(event);
  }

  @Test
  void ignoresUnknownFieldsInTimelinesAndNestedValues() throws IOException {
    Timeline timeline = ModelFixtures.fullTimeline();
    ObjectNode json = (ObjectNode) tree(Json.writeTimeline(timeline));
    json.put("schemaVersion", 2);
    ((ObjectNode) json.get("segments").get(0)).put("p99", 12.5);
    ((ObjectNode) json.get("events").get(0)).put("keyed", true);

    assertThat(Json.readTimeline(Json.MAPPER.writeValueAsBytes(json))).isEqualTo(timeline);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "null",
        "{",
        "[]",
        "\"an event\"",
        "not json",
        "{\"kind\":\"APP\"}",
        "{\"id\":\"\",\"kind\":\"APP\"}",
        "{\"id\":\"1\"}",
        "{\"id\":\"1\",\"kind\":\"NOT_A_KIND\"}",
        "{\"id\":\"1\",\"kind\":\"APP\",\"timestamp\":\"yesterday\"}",
        "{\"id\":\"1\",\"kind\":\"APP\",\"traceId\":\"6916F2828C41D2A7E5B03F19A6D4C2E1\"}",
        "{\"id\":\"1\",\"kind\":\"APP\",\"traceId\":\"00000000000000000000000000000000\"}",
        "{\"id\":\"1\",\"kind\":\"APP\",\"traceIdFormat\":\"XRAY\"}",
        "{\"id\":\"1\",\"kind\":\"APP\"} trailing",
        "{\"id\":\"1\",\"kind\":\"APP\"}{\"id\":\"2\",\"kind\":\"APP\"}"
      })
  void rejectsAnInvalidEventWithUncheckedIoException(String json) {
    assertThatThrownBy(() -> Json.readEvent(json.getBytes(UTF_8)))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void rejectsNullBytesWithUncheckedIoException() {
    assertThatThrownBy(() -> Json.readEvent(null)).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> Json.readTimeline(null)).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void rejectsTimelinesThatBreakTheContract() throws IOException {
    ObjectNode valid = (ObjectNode) tree(Json.writeTimeline(ModelFixtures.fullTimeline()));
    List<ObjectNode> invalid = new ArrayList<>();
    invalid.add(valid.deepCopy().put("revision", 0));
    invalid.add(valid.deepCopy().put("traceId", "not-a-trace"));
    invalid.add(valid.deepCopy().put("durationMs", 1));
    invalid.add(valid.deepCopy().put("status", "DONE"));
    ObjectNode noEntry = valid.deepCopy();
    noEntry.remove("entry");
    invalid.add(noEntry);
    ObjectNode noServices = valid.deepCopy();
    noServices.remove("services");
    invalid.add(noServices);
    ObjectNode badSegment = valid.deepCopy();
    ((ObjectNode) badSegment.get("segments").get(0)).put("selfTimeMs", -1);
    invalid.add(badSegment);
    ObjectNode badEvent = valid.deepCopy();
    ((ObjectNode) badEvent.get("events").get(0)).remove("id");
    invalid.add(badEvent);

    for (ObjectNode json : invalid) {
      byte[] bytes = Json.MAPPER.writeValueAsBytes(json);
      assertThatThrownBy(() -> Json.readTimeline(bytes))
          .as(json.toString())
          .isInstanceOf(UncheckedIOException.class);
    }
    assertThatThrownBy(() -> Json.readTimeline("null".getBytes(UTF_8)))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void cutsTheMessageAtItsBoundAndMarksTheEventTruncated() {
    String message = "m".repeat(LogEvent.MAX_MESSAGE_CHARS + 1);

    LogEvent event = LogEvent.builder().id("1").message(message).build();

    assertThat(event.message()).hasSize(LogEvent.MAX_MESSAGE_CHARS);
    assertThat(event.attributes()).containsEntry(LogEvent.TRUNCATED, "true");
    assertThat(Json.readEvent(Json.writeEvent(event))).isEqualTo(event);
  }

  @Test
  void keepsAMessageExactlyAtItsBound() {
    String message = "m".repeat(LogEvent.MAX_MESSAGE_CHARS);

    LogEvent event = LogEvent.builder().id("1").message(message).build();

    assertThat(event.message()).isEqualTo(message);
    assertThat(event.attributes()).doesNotContainKey(LogEvent.TRUNCATED);
  }

  @Test
  void cutsLongAttributeValuesAndMarksTheEventTruncated() {
    LogEvent event =
        LogEvent.builder()
            .id("1")
            .attribute("stack", "s".repeat(LogEvent.MAX_ATTRIBUTE_CHARS + 5))
            .build();

    assertThat(event.attributes().get("stack")).hasSize(LogEvent.MAX_ATTRIBUTE_CHARS);
    assertThat(event.attributes()).containsEntry(LogEvent.TRUNCATED, "true");
    assertThat(Json.readEvent(Json.writeEvent(event))).isEqualTo(event);
  }

  @Test
  void boundsTheNumberOfAttributesIncludingTheTruncatedMarker() {
    LogEvent event = ModelFixtures.truncatedEvent();

    assertThat(event.attributes()).hasSize(LogEvent.MAX_ATTRIBUTES);
    assertThat(event.attributes()).containsEntry(LogEvent.TRUNCATED, "true");
    assertThat(event.attributes().values())
        .allSatisfy(value -> assertThat(value.length()).isLessThanOrEqualTo(1024));
  }

  /**
   * Bounding is idempotent: the {@code truncated} marker is not counted against the bound, so
   * re-constructing an event that was cut (Json round trip, {@code toBuilder().build()}) keeps
   * every attribute it had.
   */
  @Test
  void reconstructingATruncatedEventKeepsItsAttributes() {
    LogEvent event = ModelFixtures.truncatedEvent();

    assertThat(event.toBuilder().build()).isEqualTo(event);
    assertThat(Json.readEvent(Json.writeEvent(event))).isEqualTo(event);
  }

  @Test
  void keepsAttributesBelowTheBoundUntouched() {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < LogEvent.MAX_ATTRIBUTES - 1; i++) {
      attributes.put("key" + i, "value" + i);
    }

    LogEvent event = LogEvent.builder().id("1").attributes(attributes).build();

    assertThat(event.attributes()).isEqualTo(attributes);
    assertThat(Json.readEvent(Json.writeEvent(event))).isEqualTo(event);
  }

  @Test
  void dropsNullAttributeKeysAndValues() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("kept", "v");
    attributes.put("nullValue", null);
    attributes.put(null, "nullKey");

    LogEvent event =
        new LogEvent(
            "1",
            0,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            EventKind.APP,
            null,
            null,
            null,
            attributes);

    assertThat(event.attributes()).containsExactly(Map.entry("kept", "v"));
  }

  @Test
  void aCutMessageLeavesNoLoneSurrogateInTheJson() {
    String message = "x".repeat(LogEvent.MAX_MESSAGE_CHARS - 1) + "\uD83D\uDE00";
    LogEvent event = LogEvent.builder().id("1").message(message).build();

    byte[] json = Json.writeEvent(event);

    assertThat(new String(json, UTF_8)).doesNotContain("\\uD83D").doesNotContain("\uD83D");
    assertThat(Json.readEvent(json)).isEqualTo(event);
  }

  @Test
  void readsTimelineTraceIdsAsCanonical() {
    Timeline timeline = Json.readTimeline(Json.writeTimeline(ModelFixtures.minimalTimeline()));

    assertThat(timeline.traceId()).isEqualTo(TRACE_ID);
    assertThat(timeline.hasFlag(FlagType.ERROR)).isFalse();
    assertThat(ModelFixtures.fullTimeline().hasFlag(FlagType.TIMEOUT)).isTrue();
  }

  private static JsonNode tree(byte[] json) throws IOException {
    return Json.MAPPER.readTree(json);
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> components(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents())
        .map(RecordComponent::getName)
        .collect(Collectors.toSet());
  }
}
