package io.traceline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON codecs of the two contracts, {@link LogEvent} and {@link Timeline}: compact JSON, null
 * fields omitted, unknown fields ignored on read (so a newer producer does not break an older
 * consumer). Thread-safe: Jackson readers and writers are immutable.
 */
public final class Json {

  /** The shared mapper configuration; use for other JSON too. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private static final ObjectWriter EVENT_WRITER = MAPPER.writerFor(LogEvent.class);
  private static final ObjectReader EVENT_READER = MAPPER.readerFor(LogEvent.class);
  private static final ObjectWriter TIMELINE_WRITER = MAPPER.writerFor(Timeline.class);
  private static final ObjectReader TIMELINE_READER = MAPPER.readerFor(Timeline.class);

  private Json() {}

  public static byte[] writeEvent(LogEvent event) {
    return write(EVENT_WRITER, event);
  }

  /**
   * Reads an event.
   *
   * @throws UncheckedIOException when the bytes are not a valid event
   */
  public static LogEvent readEvent(byte[] json) {
    return read(EVENT_READER, json);
  }

  public static byte[] writeTimeline(Timeline timeline) {
    return write(TIMELINE_WRITER, timeline);
  }

  /**
   * Reads a timeline.
   *
   * @throws UncheckedIOException when the bytes are not a valid timeline
   */
  public static Timeline readTimeline(byte[] json) {
    return read(TIMELINE_READER, json);
  }

  private static byte[] write(ObjectWriter writer, Object value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(ObjectReader reader, byte[] json) {
    try {
      return reader.readValue(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }
}
