package io.traceline.model;

import static io.traceline.model.ModelFixtures.CLOUDWATCH_ID;
import static io.traceline.model.ModelFixtures.TRACE_ID;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class EventHeaderTest {

  @Test
  void readsTheFourFieldsOfAWrittenEvent() {
    LogEvent event = ModelFixtures.fullEvent();

    EventHeader header = EventHeader.read(Json.writeEvent(event));

    assertThat(header)
        .isEqualTo(
            new EventHeader(event.id(), event.traceId(), event.timestamp(), event.ingestedAt()));
    assertThat(header.isKeyed()).isTrue();
  }

  @Test
  void readsTheWritersBytesOnlyAsFarAsTheFourFields() {
    LogEvent event = ModelFixtures.fullEvent();
    byte[] written = Json.writeEvent(event);
    byte[] cutAfterHeader = new byte[written.length - 5];
    System.arraycopy(written, 0, cutAfterHeader, 0, cutAfterHeader.length);

    assertThat(EventHeader.readWritten(cutAfterHeader)).isEqualTo(EventHeader.of(event));
    assertThatThrownBy(() -> EventHeader.read(cutAfterHeader))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void readingTheWritersBytesStillChecksTheFourFields() {
    byte[] bad =
        "{\"id\":\"1\",\"timestamp\":-5,\"ingestedAt\":0,\"traceId\":\"x\"}".getBytes(UTF_8);

    assertThatThrownBy(() -> EventHeader.readWritten(bad)).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void theWritersBytesNeverRepeatAField() {
    String json =
        "{\"id\":\"1\",\"id\":\"2\",\"timestamp\":5,\"ingestedAt\":6,\"traceId\":\""
            + TRACE_ID
            + "\",\"kind\":\"APP\"}";

    assertThatThrownBy(() -> EventHeader.readWritten(json.getBytes(UTF_8)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void theWritersBytesWithoutATraceIdAreReadToTheirEnd() {
    LogEvent unkeyed = ModelFixtures.minimalEvent().toBuilder().trace(null, null).build();

    assertThat(EventHeader.readWritten(Json.writeEvent(unkeyed)))
        .isEqualTo(EventHeader.of(unkeyed));
  }

  @Test
  void anUnkeyedEventHasNoTraceId() {
    LogEvent event = ModelFixtures.minimalEvent().toBuilder().trace(null, null).build();

    EventHeader header = EventHeader.read(Json.writeEvent(event));

    assertThat(header.traceId()).isNull();
    assertThat(header.isKeyed()).isFalse();
  }

  @Test
  void fieldsInAnyOrderNestedValuesSkippedAbsentIngestionTimeZero() {
    String json =
        "{\"attributes\":{\"id\":\"not-this\",\"traceId\":\"x\"},\"message\":\"a \\\"quoted\\\""
            + " {line}\",\"timestamp\":\"1763111520000\",\"list\":[{\"timestamp\":1},[2]],"
            + "\"traceId\":\""
            + TRACE_ID
            + "\",\"id\":\""
            + CLOUDWATCH_ID
            + "\",\"kind\":\"APP\"}";

    EventHeader header = EventHeader.read(json.getBytes(UTF_8));

    assertThat(header).isEqualTo(new EventHeader(CLOUDWATCH_ID, TRACE_ID, 1763111520000L, 0));
  }

  /** What the header accepts, the event decoder accepts too, with the same four values. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\":42,\"timestamp\":1763111520000,\"ingestedAt\":null,\"traceId\":\"%s\"}",
        "{\"id\":\"1\",\"timestamp\":\" 1763111520000 \",\"traceId\":null}",
        "{\"id\":\"1\",\"timestamp\":1763111520000.9,\"ingestedAt\":1763111521000}",
        "{\"id\":\"1\",\"id\":\"2\",\"timestamp\":5,\"traceId\":\"%s\"}",
      })
  void agreesWithTheEventDecoder(String template) {
    byte[] bytes = withKind(template);

    EventHeader header = EventHeader.read(bytes);
    LogEvent event = Json.readEvent(bytes);

    assertThat(header)
        .isEqualTo(
            new EventHeader(event.id(), event.traceId(), event.timestamp(), event.ingestedAt()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\":\"1\",\"timestamp\":5} {}",
        "{\"id\":\"1\",\"timestamp\":5",
        "{\"timestamp\":5}",
        "{\"id\":\"  \",\"timestamp\":5}",
        "{\"id\":{\"a\":1},\"timestamp\":5}",
        "{\"id\":\"1\",\"timestamp\":-1}",
        "{\"id\":\"1\",\"timestamp\":253402300800000}",
        "{\"id\":\"1\",\"timestamp\":99999999999999999999}",
        "{\"id\":\"1\",\"timestamp\":\"soon\"}",
        "{\"id\":\"1\",\"timestamp\":5,\"traceId\":\"ABC\"}",
        "{\"id\":\"1\",\"timestamp\":5,\"traceId\":\"00000000000000000000000000000000\"}",
      })
  void rejectsWhatTheEventDecoderRejects(String template) {
    byte[] bytes = withKind(template);

    assertThatThrownBy(() -> EventHeader.read(bytes)).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> Json.readEvent(bytes)).isInstanceOf(UncheckedIOException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[]", "\"an event\"", "null", ""})
  void rejectsWhatIsNoJsonObject(String json) {
    byte[] bytes = json.getBytes(UTF_8);

    assertThatThrownBy(() -> EventHeader.read(bytes)).isInstanceOf(UncheckedIOException.class);
  }

  /** The template with a kind added (so that only the four fields can fail) and the trace id. */
  private static byte[] withKind(String template) {
    String json = "{\"kind\":\"APP\"," + template.substring(1);
    return json.replace("%s", TRACE_ID).getBytes(UTF_8);
  }
}
