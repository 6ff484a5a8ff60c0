package io.traceline.correlator.internals;

import io.traceline.model.EventHeader;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The values of the {@code trace-events} store: an event kept as {@link Json#writeEvent} writes it,
 * so that its timeline can copy it instead of writing it again.
 *
 * <p>A value is the event's JSON, preceded by one space when it is in the writer's current form
 * ({@link Json#CANONICAL_EVENT_FORM}); or the one-byte {@link #BEYOND_BOUNDS} marker of an event
 * remembered by id only. JSON readers skip the space, so older versions, which kept events as plain
 * JSON, still read these values after a rollback. An arriving record that says it holds the
 * writer's current form ({@link Json#CANONICAL_EVENT_HEADER}) is kept as it is, after reading its
 * header only; any other is decoded and written again first. A value without the space (kept by an
 * older version) is decoded and written again when read.
 */
final class StoredEvents {

  /** The value of an event beyond the trace's bounds, remembered by id only. */
  static final byte[] BEYOND_BOUNDS = {1};

  /** Marks the writer's current form; a later form would take other leading whitespace. */
  private static final byte[] PREFIX = {' '};

  private static final byte[] CURRENT_FORM = Json.canonicalEventForm();

  private StoredEvents() {}

  /** An arriving event: its header, and its JSON in the writer's current form. */
  static final class Arriving {
    private final EventHeader header;
    private final byte[] json;

    Arriving(EventHeader header, byte[] json) {
      this.header = header;
      this.json = json;
    }

    EventHeader header() {
      return header;
    }

    /** The length of its JSON, which the trace's byte bound counts. */
    int length() {
      return json.length;
    }

    /** The store's value. */
    byte[] stored() {
      byte[] value = Arrays.copyOf(PREFIX, PREFIX.length + json.length);
      System.arraycopy(json, 0, value, PREFIX.length, json.length);
      return value;
    }
  }

  /**
   * Reads an arriving record's value.
   *
   * @throws UncheckedIOException when it is no valid event (in full, unless the record says it
   *     holds the writer's form, then in its header)
   */
  static Arriving arriving(byte[] value, Headers headers) {
    if (isCanonical(headers)) {
      return new Arriving(EventHeader.readWritten(value), value);
    }
    LogEvent event = Json.readEvent(value);
    return new Arriving(EventHeader.of(event), Json.writeEvent(event));
  }

  private static boolean isCanonical(Headers headers) {
    Header form = headers.lastHeader(Json.CANONICAL_EVENT_HEADER);
    return form != null && Arrays.equals(form.value(), CURRENT_FORM);
  }

  /** Whether {@code value} is an event kept in full (not the beyond-bounds marker). */
  static boolean isEvent(byte[] value) {
    return value.length > BEYOND_BOUNDS.length;
  }

  /** A kept event, decoded, and its JSON if it is in the writer's current form (else null). */
  static final class Kept {
    private final LogEvent event;
    private final byte[] canonical;

    Kept(LogEvent event, byte[] canonical) {
      this.event = event;
      this.canonical = canonical;
    }

    LogEvent event() {
      return event;
    }

    byte[] canonical() {
      return canonical;
    }
  }

  /**
   * Decodes a value that {@link #isEvent}.
   *
   * @throws UncheckedIOException when it does not decode
   */
  static Kept decode(byte[] value) {
    int start = jsonStart(value);
    LogEvent event = Json.readEvent(value, start, value.length - start);
    boolean current = start == PREFIX.length && Arrays.equals(value, 0, start, PREFIX, 0, start);
    return new Kept(event, current ? Arrays.copyOfRange(value, start, value.length) : null);
  }

  /** The JSON of a value that {@link #isEvent}, without its leading whitespace (for the DLQ). */
  static byte[] json(byte[] value) {
    return Arrays.copyOfRange(value, jsonStart(value), value.length);
  }

  /** Where the JSON starts: after the leading whitespace that names its form. */
  private static int jsonStart(byte[] value) {
    int i = 0;
    while (i < value.length - 1 && isJsonWhitespace(value[i])) {
      i++;
    }
    return i;
  }

  private static boolean isJsonWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
