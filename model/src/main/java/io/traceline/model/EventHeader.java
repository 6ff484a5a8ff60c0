package io.traceline.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The fields of a {@link LogEvent} that say where it belongs and when it came: its id, trace id,
 * event time and ingestion time, read from the event's JSON without decoding the rest. A consumer
 * that buffers events as bytes (the correlator) reads these on arrival and decodes the whole event
 * once, when it needs it.
 *
 * <p>{@link #read} checks the document's syntax to its end and these four fields as {@link
 * LogEvent} does (id present and not blank, time within {@code [0, LogEvent.MAX_TIMESTAMP]}, trace
 * id canonical or absent); the other fields are checked when the event is decoded.
 *
 * @param traceId the canonical trace id, or null for an unkeyed event
 * @param ingestedAt 0 when absent, as in {@link LogEvent}
 */
public record EventHeader(String id, String traceId, long timestamp, long ingestedAt) {

  /** The header of a decoded event. */
  public static EventHeader of(LogEvent event) {
    return new EventHeader(event.id(), event.traceId(), event.timestamp(), event.ingestedAt());
  }

  /** Whether the event carries a trace id. */
  public boolean isKeyed() {
    return traceId != null;
  }

  /**
   * Reads the header of an event's JSON.
   *
   * @throws UncheckedIOException when the bytes are not a JSON object or the four fields are not
   *     those of a valid event
   */
  public static EventHeader read(byte[] json) {
    return read(json, false);
  }

  /**
   * Reads the header of bytes that {@link Json#writeEvent} wrote (a record marked {@link
   * Json#CANONICAL_EVENT_HEADER}): stops once the four fields are read, which that writer puts
   * first; the rest of the document is left unchecked, for whoever decodes the whole event.
   *
   * @throws UncheckedIOException when the bytes read are not those of a valid event
   */
  public static EventHeader readWritten(byte[] json) {
    return read(json, true);
  }

  private static EventHeader read(byte[] json, boolean stopWhenRead) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("an event is a JSON object");
      }
      String id = null;
      String traceId = null;
      long timestamp = 0;
      long ingestedAt = 0;
      int seen = 0; // one bit per field read
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        int bit;
        switch (field) {
          case "id" -> {
            id = text(parser, value, field);
            bit = 1;
          }
          case "traceId" -> {
            traceId = text(parser, value, field);
            bit = 2;
          }
          case "timestamp" -> {
            timestamp = number(parser, value, field);
            bit = 4;
          }
          case "ingestedAt" -> {
            ingestedAt = number(parser, value, field);
            bit = 8;
          }
          default -> {
            parser.skipChildren();
            continue;
          }
        }
        if (stopWhenRead) {
          if ((seen & bit) != 0) {
            // The writer never repeats a field; the whole event might read another value.
            throw new IOException("field " + field + " appears twice");
          }
          seen |= bit;
          if (seen == 15) {
            return checked(id, traceId, timestamp, ingestedAt);
          }
        }
      }
      if (parser.nextToken() != null) {
        throw new IOException("content after the event");
      }
      return checked(id, traceId, timestamp, ingestedAt);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EventHeader checked(String id, String traceId, long timestamp, long ingestedAt)
      throws IOException {
    if (id == null || id.isBlank()) {
      throw new IOException("an event needs an id");
    }
    if (timestamp < 0 || timestamp > LogEvent.MAX_TIMESTAMP) {
      throw new IOException("timestamp outside [0, year 9999]: " + timestamp);
    }
    if (traceId != null && !TraceIds.isCanonical(traceId)) {
      throw new IOException("traceId must be 32 lowercase hex: " + traceId);
    }
    return new EventHeader(id, traceId, timestamp, ingestedAt);
  }

  private static String text(JsonParser parser, JsonToken value, String field) throws IOException {
    return switch (value) {
      case VALUE_NULL -> null;
      case VALUE_STRING, VALUE_NUMBER_INT -> parser.getText();
      default -> throw new IOException(field + " must be a string, was " + value);
    };
  }

  /** A whole number, a decimal one cut, or a string holding one (as the event decoder accepts). */
  private static long number(JsonParser parser, JsonToken value, String field) throws IOException {
    return switch (value) {
      case VALUE_NULL -> 0;
      case VALUE_NUMBER_INT -> parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getValueAsLong(); // cut, as the event decoder does
      case VALUE_STRING -> parsed(parser.getText(), field);
      default -> throw new IOException(field + " must be a whole number, was " + value);
    };
  }

  private static long parsed(String text, String field) throws IOException {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IOException(field + " must be a whole number: " + text, e);
    }
  }
}
