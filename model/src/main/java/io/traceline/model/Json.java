package io.traceline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;

/**
 * The JSON codecs of the contracts, {@link LogEvent}, {@link Timeline} and {@link RequestLink}:
 * compact JSON, null fields omitted, unknown fields ignored on read (so a newer producer does not
 * break an older consumer). Thread-safe: Jackson readers and writers are immutable.
 *
 * <p>The written form is described by the JSON Schemas {@code /schema/log-event.schema.json},
 * {@code /schema/timeline.schema.json}, {@code /schema/request-link.schema.json}, {@code
 * /schema/alert.schema.json} and {@code /schema/service-edge.schema.json} on the classpath (draft
 * 2020-12, {@code $id} prefix {@code https://traceline.example/schema/}, which is an identifier,
 * not a location: map it to {@code classpath:schema/}). Map entries (event attributes) are written
 * sorted by key, so equal values give equal bytes. Reading rejects trailing content after the
 * document and a JSON {@code null}.
 */
public final class Json {

  /** The shared mapper configuration; use for other JSON too. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addModule(new BlackbirdModule())
          .addModule(CanonicalEvents.module())
          .build();

  // Attributes live in a Map.copyOf, whose iteration order changes from one JVM to the next.
  private static final ObjectWriter EVENT_WRITER =
      MAPPER.writerFor(LogEvent.class).with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final ObjectReader EVENT_READER =
      MAPPER.readerFor(LogEvent.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectWriter TIMELINE_WRITER =
      MAPPER.writerFor(Timeline.class).with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final ObjectReader TIMELINE_READER =
      MAPPER.readerFor(Timeline.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final ObjectWriter LINK_WRITER = MAPPER.writerFor(RequestLink.class);
  private static final ObjectReader LINK_READER =
      MAPPER.readerFor(RequestLink.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final ObjectWriter ALERT_WRITER = MAPPER.writerFor(Alert.class);
  private static final ObjectReader ALERT_READER =
      MAPPER.readerFor(Alert.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final ObjectWriter EDGE_STATS_WRITER = MAPPER.writerFor(ServiceEdgeStats.class);
  private static final ObjectReader EDGE_STATS_READER =
      MAPPER.readerFor(ServiceEdgeStats.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * Header of a Kafka record whose value is exactly what {@link #writeEvent} writes (of an event
   * already decoded and bounded), with {@link #CANONICAL_EVENT_FORM} as its value. A consumer that
   * buffers events as bytes (the correlator) may then keep and copy them as they are instead of
   * decoding and writing them again. Producers that write events with {@link #writeEvent} set it; a
   * record without it is decoded and written again before it is kept.
   */
  public static final String CANONICAL_EVENT_HEADER = "traceline.canonical-event";

  /**
   * The form {@link #writeEvent} writes now. Changes whenever what it writes for an event changes
   * (a field added, a bound or normalisation changed), so that bytes kept in an older form are
   * written again rather than copied.
   */
  public static final String CANONICAL_EVENT_FORM = "1";

  private Json() {}

  /** The value of {@link #CANONICAL_EVENT_HEADER}, as record headers carry it. */
  public static byte[] canonicalEventForm() {
    return CANONICAL_EVENT_FORM.getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] writeEvent(LogEvent event) {
    return write(EVENT_WRITER, event);
  }

  /**
   * Reads an event.
   *
   * @throws UncheckedIOException when the bytes are not a valid event
   */
  public static LogEvent readEvent(byte[] json) {
    return read(EVENT_READER, LogEvent.class, json);
  }

  /**
   * Reads an event from {@code length} bytes of {@code json} at {@code offset}.
   *
   * @throws UncheckedIOException when the bytes are not a valid event
   */
  public static LogEvent readEvent(byte[] json, int offset, int length) {
    return read(EVENT_READER, LogEvent.class, json, offset, length);
  }

  public static byte[] writeTimeline(Timeline timeline) {
    return write(TIMELINE_WRITER, timeline);
  }

  /**
   * Writes a timeline, copying the events found in {@code canonical} (by identity) as the bytes it
   * maps them to instead of writing them again: each must be what {@link #writeEvent} writes for
   * that event. Same output as {@link #writeTimeline(Timeline)}, for less work.
   */
  public static byte[] writeTimeline(
      Timeline timeline, IdentityHashMap<LogEvent, byte[]> canonical) {
    return write(TIMELINE_WRITER.withAttribute(CanonicalEvents.ATTRIBUTE, canonical), timeline);
  }

  /**
   * Reads a timeline.
   *
   * @throws UncheckedIOException when the bytes are not a valid timeline
   */
  public static Timeline readTimeline(byte[] json) {
    return read(TIMELINE_READER, Timeline.class, json);
  }

  public static byte[] writeLink(RequestLink link) {
    return write(LINK_WRITER, link);
  }

  /**
   * Reads a request link.
   *
   * @throws UncheckedIOException when the bytes are not a valid request link
   */
  public static RequestLink readLink(byte[] json) {
    return read(LINK_READER, RequestLink.class, json);
  }

  public static byte[] writeAlert(Alert alert) {
    return write(ALERT_WRITER, alert);
  }

  /**
   * Reads an alert.
   *
   * @throws UncheckedIOException when the bytes are not a valid alert
   */
  public static Alert readAlert(byte[] json) {
    return read(ALERT_READER, Alert.class, json);
  }

  public static byte[] writeEdgeStats(ServiceEdgeStats stats) {
    return write(EDGE_STATS_WRITER, stats);
  }

  /**
   * Reads a service-edge aggregate.
   *
   * @throws UncheckedIOException when the bytes are not a valid aggregate
   */
  public static ServiceEdgeStats readEdgeStats(byte[] json) {
    return read(EDGE_STATS_READER, ServiceEdgeStats.class, json);
  }

  private static byte[] write(ObjectWriter writer, Object value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(ObjectReader reader, Class<T> type, byte[] json) {
    if (json == null) {
      throw new UncheckedIOException(new IOException("no bytes to read a " + type.getSimpleName()));
    }
    return read(reader, type, json, 0, json.length);
  }

  private static <T> T read(
      ObjectReader reader, Class<T> type, byte[] json, int offset, int length) {
    try {
      T value = type.cast(reader.readValue(json, offset, length));
      if (value == null) {
        throw new UncheckedIOException(
            new IOException("JSON null is not a " + reader.getValueType()));
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }
}
