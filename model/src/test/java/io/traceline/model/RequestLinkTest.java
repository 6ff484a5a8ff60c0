package io.traceline.model;

import static io.traceline.model.ModelFixtures.TRACE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The request link's validation, JSON codec and JSON Schema. */
@Timeout(10)
class RequestLinkTest {

  private static final String ID_PREFIX = "https://traceline.example/schema/";
  private static final String REQUEST = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
  private static final String GROUP = "/aws/lambda/orders-api";
  private static final String STREAM = "2025/11/14/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9";

  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() {
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder ->
                builder.schemaMappers(
                    mappers -> mappers.mapPrefix(ID_PREFIX, "classpath:schema/")));
    schema = factory.getSchema(SchemaLocation.of(ID_PREFIX + "request-link.schema.json"));
  }

  static RequestLink full() {
    return new RequestLink(
        REQUEST,
        TRACE_ID,
        TraceIdFormat.XRAY,
        GROUP,
        STREAM,
        1_763_111_552_104L,
        316.22,
        1_763_111_554_089L,
        1_763_111_560_000L);
  }

  static RequestLink withoutStart() {
    return new RequestLink(
        REQUEST, TRACE_ID, TraceIdFormat.HEX32, GROUP, STREAM, null, null, 1_763_111_554_089L, 0L);
  }

  @Test
  void roundTripsWithAndWithoutStartTime() {
    assertThat(Json.readLink(Json.writeLink(full()))).isEqualTo(full());
    assertThat(Json.readLink(Json.writeLink(withoutStart()))).isEqualTo(withoutStart());
  }

  @Test
  void theStreamKeyIsTheKeyOfUnkeyedEventsAndNotWritten() throws IOException {
    assertThat(full().streamKey()).isEqualTo(GROUP + "|" + STREAM);
    assertThat(RequestLink.streamKey("g", "s")).isEqualTo("g|s");
    assertThat(tree(full()).has("streamKey")).isFalse();
  }

  @Test
  void codecOutputIsValidAgainstTheSchema() throws IOException {
    assertThat(schema.validate(tree(full()))).isEmpty();
    assertThat(schema.validate(tree(withoutStart()))).isEmpty();
  }

  @Test
  void schemaPropertiesAreExactlyTheRecordComponents() throws IOException {
    JsonNode json;
    try (var in = getClass().getResourceAsStream("/schema/request-link.schema.json")) {
      json = Json.MAPPER.readTree(in);
    }
    java.util.Set<String> properties = new java.util.HashSet<>();
    json.get("properties").fieldNames().forEachRemaining(properties::add);
    assertThat(properties)
        .containsExactlyInAnyOrder(
            Stream.of(RequestLink.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName)
                .toArray(String[]::new));
    assertThat(json.get("$id").asText()).isEqualTo(ID_PREFIX + "request-link.schema.json");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("no request id", (Consumer<ObjectNode>) j -> j.remove("requestId")),
        Arguments.of("blank request id", (Consumer<ObjectNode>) j -> j.put("requestId", " ")),
        Arguments.of("upper-case trace", (Consumer<ObjectNode>) j -> j.put("traceId", upper())),
        Arguments.of("no format", (Consumer<ObjectNode>) j -> j.remove("traceIdFormat")),
        Arguments.of("no log stream", (Consumer<ObjectNode>) j -> j.remove("logStream")),
        Arguments.of("negative start", (Consumer<ObjectNode>) j -> j.put("startTime", -1)),
        Arguments.of(
            "negative init duration", (Consumer<ObjectNode>) j -> j.put("initDurationMs", -0.5)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalid")
  void theSchemaAndTheCodecRejectTheSameBrokenLinks(String why, Consumer<ObjectNode> breakIt)
      throws IOException {
    ObjectNode json = (ObjectNode) tree(full());
    breakIt.accept(json);

    assertThat(schema.validate(json)).as(why).isNotEmpty();
    byte[] bytes = Json.MAPPER.writeValueAsBytes(json);
    assertThatThrownBy(() -> Json.readLink(bytes)).as(why).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void readingRejectsNullAndTrailingContent() {
    assertThatThrownBy(() -> Json.readLink("null".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UncheckedIOException.class);
    byte[] twice =
        (new String(Json.writeLink(full()), StandardCharsets.UTF_8) + "{}")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Json.readLink(twice)).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void constructorValidates() {
    assertThatThrownBy(
            () ->
                new RequestLink(
                    REQUEST, "not-a-trace", TraceIdFormat.XRAY, GROUP, STREAM, null, null, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new RequestLink(
                    REQUEST, TRACE_ID, TraceIdFormat.XRAY, GROUP, STREAM, null, null, -5, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new RequestLink(REQUEST, TRACE_ID, null, GROUP, STREAM, null, null, 0, 0))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                new RequestLink(
                    REQUEST, TRACE_ID, TraceIdFormat.XRAY, GROUP, STREAM, null, -1.0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInitLineBelongsToTheInitPhaseThatEndsWithTheStartAndToNoOther() {
    long start = 1_763_111_555_119L;
    // The reference sample: INIT_START 317 ms before START, Init Duration 316.22 ms.
    assertThat(RequestLink.isDuringInit(start - 317, start, 316.22)).isTrue();
    assertThat(RequestLink.isDuringInit(start, start, 316.22)).as("INIT_REPORT").isTrue();
    assertThat(RequestLink.isDuringInit(start - 317 - 250, start, 316.22)).isTrue();
    assertThat(RequestLink.isDuringInit(start - 317 - 251, start, 316.22))
        .as("an earlier init phase of the stream")
        .isFalse();
    assertThat(RequestLink.isDuringInit(start + 1, start, 316.22)).as("after the START").isFalse();
  }

  @Test
  void mergingKeepsWhatEitherLinkKnows() {
    RequestLink startOnly = withoutStart().mergedWith(full()).withInitDurationMs(1.0);
    assertThat(startOnly.startTime()).isEqualTo(full().startTime());
    assertThat(startOnly.initDurationMs()).isEqualTo(1.0);
    RequestLink full = full();
    assertThat(full.mergedWith(withoutStart())).isSameAs(full);
  }

  private static String upper() {
    return TRACE_ID.toUpperCase(java.util.Locale.ROOT);
  }

  private static JsonNode tree(RequestLink link) throws IOException {
    return Json.MAPPER.readTree(Json.writeLink(link));
  }
}
