package io.traceline.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The schemas on the classpath describe exactly what {@link Json} writes. Other modules validate
 * real pipeline output the same way: map the {@code $id} prefix to {@code classpath:schema/}.
 */
@Timeout(10)
class JsonSchemaTest {

  private static final String ID_PREFIX = "https://traceline.example/schema/";
  private static final String EVENT_SCHEMA = "log-event.schema.json";
  private static final String TIMELINE_SCHEMA = "timeline.schema.json";
  private static final String ALERT_SCHEMA = "alert.schema.json";
  private static final String EDGE_SCHEMA = "service-edge.schema.json";

  private static JsonSchemaFactory factory;
  private static JsonSchema eventSchema;
  private static JsonSchema timelineSchema;

  @BeforeAll
  static void loadSchemas() {
    factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder ->
                builder.schemaMappers(
                    mappers -> mappers.mapPrefix(ID_PREFIX, "classpath:schema/")));
    eventSchema = factory.getSchema(SchemaLocation.of(ID_PREFIX + EVENT_SCHEMA));
    timelineSchema = factory.getSchema(SchemaLocation.of(ID_PREFIX + TIMELINE_SCHEMA));
  }

  @ParameterizedTest
  @ValueSource(strings = {EVENT_SCHEMA, TIMELINE_SCHEMA, ALERT_SCHEMA, EDGE_SCHEMA})
  void schemaIsOnTheClasspathWithItsId(String file) throws IOException {
    JsonNode schema = resource("/schema/" + file);

    assertThat(schema.get("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("$id").asText()).isEqualTo(ID_PREFIX + file);
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {EVENT_SCHEMA, TIMELINE_SCHEMA, ALERT_SCHEMA, EDGE_SCHEMA})
  void schemaIsAValidDraft202012Schema(String file) throws IOException {
    JsonSchema metaSchema =
        factory.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    assertThat(metaSchema.validate(resource("/schema/" + file))).isEmpty();
  }

  @Test
  void schemaLoadsFromItsClasspathLocationToo() throws IOException {
    JsonSchema byLocation =
        factory.getSchema(SchemaLocation.of("classpath:schema/" + TIMELINE_SCHEMA));

    assertThat(byLocation.validate(timeline(ModelFixtures.fullTimeline()))).isEmpty();
  }

  static Stream<LogEvent> events() {
    return Stream.of(
        ModelFixtures.fullEvent(),
        ModelFixtures.minimalEvent(),
        ModelFixtures.truncatedEvent(),
        LogEvent.builder()
            .id("3")
            .message("x".repeat(LogEvent.MAX_MESSAGE_CHARS - 1) + "\uD83D\uDE00")
            .build());
  }

  @ParameterizedTest
  @MethodSource("events")
  void codecOutputForEventsIsValid(LogEvent event) throws IOException {
    assertThat(eventSchema.validate(event(event))).isEmpty();
  }

  @Test
  void codecOutputForTimelinesIsValid() throws IOException {
    assertThat(timelineSchema.validate(timeline(ModelFixtures.fullTimeline()))).isEmpty();
    assertThat(timelineSchema.validate(timeline(ModelFixtures.minimalTimeline()))).isEmpty();
  }

  @Test
  void codecOutputForAlertsAndEdgeAggregatesIsValid() throws IOException {
    JsonSchema alertSchema = factory.getSchema(SchemaLocation.of(ID_PREFIX + ALERT_SCHEMA));
    JsonSchema edgeSchema = factory.getSchema(SchemaLocation.of(ID_PREFIX + EDGE_SCHEMA));
    Alert alert = Alert.of(ModelFixtures.fullTimeline());
    ServiceEdgeStats stats =
        new ServiceEdgeStats(1_763_111_520_000L, "api", "orders", 12, 1, 3.5, 9.25, 40, 41, 2);

    assertThat(alertSchema.validate(Json.MAPPER.readTree(Json.writeAlert(alert)))).isEmpty();
    assertThat(edgeSchema.validate(Json.MAPPER.readTree(Json.writeEdgeStats(stats)))).isEmpty();
    assertThat(properties(resource("/schema/" + ALERT_SCHEMA))).isEqualTo(components(Alert.class));
    assertThat(properties(resource("/schema/" + EDGE_SCHEMA)))
        .isEqualTo(components(ServiceEdgeStats.class));
    assertThat(Json.readAlert(Json.writeAlert(alert))).isEqualTo(alert);
    assertThat(Json.readEdgeStats(Json.writeEdgeStats(stats))).isEqualTo(stats);
  }

  @Test
  void alertsOnlyForFlaggedTimelinesAndEdgeAggregatesOnWholeMinutes() {
    assertThat(Alert.of(ModelFixtures.minimalTimeline())).isNull();
    assertThat(Alert.of(ModelFixtures.fullTimeline()).flags())
        .isEqualTo(ModelFixtures.fullTimeline().flags());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ServiceEdgeStats(1_000L, "a", "b", 1, 0, 1, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ServiceEdgeStats(60_000L, "a", "b", 1, 2, 1, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new ServiceEdgeStats(60_000L, "a", "b", 1, 0, 1, 1, 1, 1, 3).key())
        .isEqualTo(ServiceEdgeStats.keyOf(60_000L, "a", "b"));
  }

  @Test
  void schemaPropertiesAreExactlyTheRecordComponents() throws IOException {
    JsonNode event = resource("/schema/" + EVENT_SCHEMA);
    JsonNode timeline = resource("/schema/" + TIMELINE_SCHEMA);
    JsonNode defs = timeline.get("$defs");

    assertThat(properties(event)).isEqualTo(components(LogEvent.class));
    assertThat(properties(timeline)).isEqualTo(components(Timeline.class));
    assertThat(properties(defs.get("hop"))).isEqualTo(components(Timeline.Hop.class));
    assertThat(properties(defs.get("segment"))).isEqualTo(components(Timeline.Segment.class));
    assertThat(properties(defs.get("gap"))).isEqualTo(components(Timeline.Gap.class));
    assertThat(properties(defs.get("bottleneck"))).isEqualTo(components(Timeline.Bottleneck.class));
    assertThat(properties(defs.get("flag"))).isEqualTo(components(Timeline.Flag.class));
    assertThat(properties(defs.get("edge"))).isEqualTo(components(Timeline.Edge.class));
  }

  @Test
  void schemaEnumsAreExactlyTheJavaEnums() throws IOException {
    JsonNode event = resource("/schema/" + EVENT_SCHEMA).get("properties");
    JsonNode timeline = resource("/schema/" + TIMELINE_SCHEMA);
    JsonNode defs = timeline.get("$defs");

    assertThat(enumValues(event.get("kind"))).isEqualTo(names(EventKind.values()));
    assertThat(enumValues(event.get("traceIdFormat"))).isEqualTo(names(TraceIdFormat.values()));
    assertThat(enumValues(timeline.get("properties").get("status")))
        .isEqualTo(names(TimelineStatus.values()));
    assertThat(enumValues(defs.get("flag").get("properties").get("type")))
        .isEqualTo(names(FlagType.values()));
    assertThat(enumValues(defs.get("bottleneck").get("properties").get("kind")))
        .isEqualTo(names(Timeline.BottleneckKind.values()));
  }

  static Stream<Arguments> invalidEvents() {
    return Stream.of(
        violation("derived keyed flag written", json -> json.put("keyed", true)),
        violation("error written as the derived boolean", json -> json.put("error", true)),
        violation("unknown top-level field", json -> json.put("schemaVersion", 2)),
        violation("id as a number", json -> json.put("id", 1)),
        violation("blank id", json -> json.put("id", "  ")),
        violation("id missing", json -> json.remove("id")),
        violation("kind missing", json -> json.remove("kind")),
        violation("attributes missing", json -> json.remove("attributes")),
        violation("unknown kind", json -> json.put("kind", "LAMBDA_TIMEOUT")),
        violation("unknown trace id format", json -> json.put("traceIdFormat", "JAEGER")),
        violation("upper-case trace id", json -> json.put("traceId", upper())),
        violation("short trace id", json -> json.put("traceId", "6916f2828c41d2a7")),
        violation("all-zero trace id", json -> json.put("traceId", "0".repeat(32))),
        violation("format without trace id", json -> json.remove("traceId")),
        violation("timestamp as a string", json -> json.put("timestamp", "2025-11-14")),
        violation("fractional timestamp", json -> json.put("timestamp", 1.5)),
        violation("duration NaN, as Jackson writes it", json -> json.put("durationMs", "NaN")),
        violation("message too long", json -> json.put("message", "m".repeat(65_537))),
        violation("attribute not a string", json -> attributes(json).put("coldStart", true)),
        violation("attribute too long", json -> attributes(json).put("k", "v".repeat(1025))),
        violation(
            "too many attributes",
            json -> {
              for (int i = 0; i < 33; i++) {
                attributes(json).put("k" + i, "v");
              }
            }));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidEvents")
  void rejectsAnEventThatViolatesTheContract(String why, Consumer<ObjectNode> breakIt)
      throws IOException {
    ObjectNode json = (ObjectNode) event(ModelFixtures.fullEvent());
    assertThat(eventSchema.validate(json)).as("valid before").isEmpty();

    breakIt.accept(json);

    assertThat(eventSchema.validate(json)).as(why).isNotEmpty();
  }

  static Stream<Arguments> invalidTimelines() {
    return Stream.of(
        violation("unknown top-level field", json -> json.put("hasFlag", true)),
        violation("revision 0", json -> json.put("revision", 0)),
        violation("unknown status", json -> json.put("status", "OPEN")),
        violation("negative duration", json -> json.put("durationMs", -1)),
        violation("entry missing", json -> json.remove("entry")),
        violation("events missing", json -> json.remove("events")),
        violation("upper-case trace id", json -> json.put("traceId", upper())),
        violation("entry without service", json -> object(json, "entry").remove("service")),
        violation("extra field in a segment", json -> element(json, "segments").put("p99", 1)),
        violation(
            "cold start as a string", json -> element(json, "segments").put("coldStart", "y")),
        violation("extra field in a gap", json -> element(json, "gaps").put("x", 1)),
        violation("share above 1", json -> object(json, "bottleneck").put("share", 1.5)),
        violation("unknown bottleneck kind", json -> object(json, "bottleneck").put("kind", "DB")),
        violation("unknown flag type", json -> element(json, "flags").put("type", "SLOW")),
        violation("flag without reason", json -> element(json, "flags").remove("reason")),
        violation("edge error as a string", json -> element(json, "edges").put("error", "true")),
        violation(
            "event with derived keyed flag", json -> element(json, "events").put("keyed", true)),
        violation("event with numeric id", json -> element(json, "events").put("id", 7)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidTimelines")
  void rejectsATimelineThatViolatesTheContract(String why, Consumer<ObjectNode> breakIt)
      throws IOException {
    ObjectNode json = (ObjectNode) timeline(ModelFixtures.fullTimeline());
    assertThat(timelineSchema.validate(json)).as("valid before").isEmpty();

    breakIt.accept(json);

    Set<ValidationMessage> problems = timelineSchema.validate(json);
    assertThat(problems).as(why).isNotEmpty();
  }

  private static Arguments violation(String why, Consumer<ObjectNode> breakIt) {
    return Arguments.of(why, breakIt);
  }

  private static String upper() {
    return ModelFixtures.TRACE_ID.toUpperCase(java.util.Locale.ROOT);
  }

  private static ObjectNode attributes(ObjectNode event) {
    return (ObjectNode) event.get("attributes");
  }

  private static ObjectNode object(ObjectNode json, String field) {
    return (ObjectNode) json.get(field);
  }

  private static ObjectNode element(ObjectNode json, String arrayField) {
    return (ObjectNode) ((ArrayNode) json.get(arrayField)).get(0);
  }

  private static JsonNode event(LogEvent event) throws IOException {
    return Json.MAPPER.readTree(Json.writeEvent(event));
  }

  private static JsonNode timeline(Timeline timeline) throws IOException {
    return Json.MAPPER.readTree(Json.writeTimeline(timeline));
  }

  private static JsonNode resource(String path) throws IOException {
    try (InputStream in = JsonSchemaTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("not on the classpath: " + path));
      }
      return Json.MAPPER.readTree(in);
    }
  }

  private static Set<String> properties(JsonNode schema) {
    List<String> names = new ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(names::add);
    return Set.copyOf(names);
  }

  private static Set<String> components(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents())
        .map(RecordComponent::getName)
        .collect(Collectors.toSet());
  }

  private static List<String> enumValues(JsonNode schema) {
    List<String> values = new ArrayList<>();
    schema.get("enum").forEach(value -> values.add(value.asText()));
    return values;
  }

  private static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toList();
  }
}
