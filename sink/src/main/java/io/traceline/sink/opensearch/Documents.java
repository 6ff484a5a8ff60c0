package io.traceline.sink.opensearch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.traceline.model.Json;
import io.traceline.model.ServiceEdgeStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Derives a document's index, id and version from a Kafka record, in one place for every kind. It
 * reads only the top-level fields it needs from the value (a streaming scan, nothing else is
 * parsed) and keeps the value's bytes as they are.
 *
 * <p>Indices are monthly, by UTC month: {@code traceline-timelines-2026.11}. Timelines and alerts
 * go by the request's {@code startTime}, service edges by their {@code minute}. A service edge's
 * minute is part of its key, so every revision lands in the same index. A revision of a timeline
 * only adds events, so its start stays or moves earlier by the lateness of those events (minutes);
 * it changes month only when a request that began just after a month's first instant gets a late
 * event from before it. Months make that case thirty times rarer than days would; see the README.
 * For that case a revision above 1 whose start lies within {@link #MOVE_WINDOW} before its month's
 * end names the next month's index as {@link Doc#movedFrom()}, where the indexer deletes the
 * earlier revision.
 */
public final class Documents {

  /**
   * How far before a month's end a revision's start may lie for an earlier revision to have started
   * in the next month. A start moves earlier only by how much earlier a late event happened than
   * the request's first one: within the request's span plus clock skew, so minutes. A day is a wide
   * margin, at the price of one delete (mostly of nothing) for the revisions that start in a
   * month's last day.
   */
  public static final Duration MOVE_WINDOW = Duration.ofDays(1);

  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final Set<String> TRACE_FIELDS = Set.of("traceId", "revision", "startTime");
  private static final Set<String> EDGE_FIELDS = Set.of("minute", "from", "to", "revision");

  private Documents() {}

  /**
   * The document for one record.
   *
   * @param kind which topic the record came from
   * @param key the record key, or null; when present it must name the same trace or edge
   * @param value the record value: JSON as the model's {@code Json} writes it
   * @throws IllegalArgumentException when the value is not such JSON or lacks a field; the message
   *     is the reason for the dead-letter queue
   */
  public static Doc of(DocKind kind, byte[] key, byte[] value) {
    Map<String, Object> fields =
        scan(value, kind == DocKind.SERVICE_EDGE ? EDGE_FIELDS : TRACE_FIELDS);
    String id;
    long time;
    if (kind == DocKind.SERVICE_EDGE) {
      time = number(fields, "minute");
      id = ServiceEdgeStats.keyOf(time, text(fields, "from"), text(fields, "to"));
    } else {
      time = number(fields, "startTime");
      id = text(fields, "traceId");
    }
    if (key != null && !id.equals(new String(key, StandardCharsets.UTF_8))) {
      throw new IllegalArgumentException("record key does not match the value's id " + id);
    }
    long revision = number(fields, "revision");
    String movedFrom = kind == DocKind.SERVICE_EDGE || revision <= 1 ? null : movedFrom(kind, time);
    return new Doc(kind, indexName(kind, time), id, revision, oneLine(value), movedFrom);
  }

  /**
   * The next month's index when {@code start} lies within {@link #MOVE_WINDOW} before its month's
   * end, else null.
   */
  private static String movedFrom(DocKind kind, long start) {
    long nextMonth =
        YearMonth.from(Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC))
            .plusMonths(1)
            .atDay(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .toEpochMilli();
    return nextMonth - start <= MOVE_WINDOW.toMillis() ? indexName(kind, nextMonth) : null;
  }

  /** The monthly index of a kind that holds documents of the given time (epoch ms, UTC month). */
  public static String indexName(DocKind kind, long epochMillis) {
    return kind.alias() + "-" + MONTH.format(Instant.ofEpochMilli(epochMillis));
  }

  /** The top-level scalar fields named in {@code wanted}; nested values are skipped unread. */
  private static Map<String, Object> scan(byte[] value, Set<String> wanted) {
    Map<String, Object> found = new HashMap<>();
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("value is not a JSON object");
      }
      while (found.size() < wanted.size() && parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken token = parser.nextToken();
        if (!wanted.contains(name)) {
          parser.skipChildren();
        } else if (token == JsonToken.VALUE_NUMBER_INT) {
          found.put(name, parser.getLongValue());
        } else if (token == JsonToken.VALUE_STRING) {
          found.put(name, parser.getText());
        } else {
          throw new IllegalArgumentException(name + " is not a number or string: " + token);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("value is not valid JSON: " + e.getMessage(), e);
    }
    return found;
  }

  private static long number(Map<String, Object> fields, String name) {
    if (fields.get(name) instanceof Long n) {
      return n;
    }
    throw new IllegalArgumentException("value has no integer " + name);
  }

  private static String text(Map<String, Object> fields, String name) {
    if (fields.get(name) instanceof String s && !s.isEmpty()) {
      return s;
    }
    throw new IllegalArgumentException("value has no string " + name);
  }

  /**
   * The value as one line, as the bulk API's newline-delimited body needs. A raw line break can
   * only be whitespace between JSON tokens (inside strings it is escaped), so it becomes a space;
   * the usual compact value is returned as is, without a copy.
   */
  private static byte[] oneLine(byte[] value) {
    byte[] line = null;
    for (int i = 0; i < value.length; i++) {
      if (value[i] == '\n' || value[i] == '\r') {
        if (line == null) {
          line = value.clone();
        }
        line[i] = ' ';
      }
    }
    return line == null ? value : line;
  }
}
