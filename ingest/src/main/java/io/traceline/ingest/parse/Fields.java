package io.traceline.ingest.parse;

import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import io.traceline.model.TraceIds;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the parsers found in one line. Mutable, one per line, not thread-safe. Most setters keep the
 * first value set ("IfAbsent" semantics), so a parser can try sources from best to worst.
 */
final class Fields {

  EventKind kind = EventKind.APP;
  TraceIds.Parsed trace;
  String spanId;
  String parentSpanId;
  String requestId;
  String level;
  String service;
  String operation;
  String status;
  String error;
  Double durationMs;
  Long timestamp;

  /** Free error text seen at any nesting level (not typed): a fallback for {@link #error}. */
  String errorText;

  /**
   * Attribute keys and values in the order first set ({@code attributeCount} of them): a handful
   * per line, so a linear search beats a hash map, and {@link #attributes()} builds the immutable
   * map that the {@code LogEvent} constructor keeps as it is, instead of copying a map.
   */
  private String[] attributeKeys;

  private String[] attributeValues;
  private int attributeCount;

  /** Keeps the first trace found. */
  void trace(TraceIds.Parsed parsed) {
    if (trace == null) {
      trace = parsed;
    }
  }

  /** Parses {@code raw} as a trace id in any supported form; keeps the first one that parses. */
  boolean traceFrom(String raw) {
    if (trace != null) {
      return true;
    }
    if (raw == null || raw.isEmpty() || "-".equals(raw)) {
      return false;
    }
    if (TraceIds.parse(raw) instanceof TraceIds.Parsed parsed) {
      trace = parsed;
      return true;
    }
    return false;
  }

  void spanId(String value) {
    if (spanId == null) {
      spanId = hexId(value);
    }
  }

  void parentSpanId(String value) {
    if (parentSpanId == null) {
      parentSpanId = hexId(value);
    }
  }

  void requestId(String value) {
    if (requestId == null && present(value)) {
      requestId = value.trim();
    }
  }

  void level(String value) {
    if (level == null && present(value)) {
      level = value;
    }
  }

  void service(String value) {
    if (service == null && present(value)) {
      service = value.trim();
    }
  }

  void operation(String value) {
    if (operation == null && present(value)) {
      operation = value;
    }
  }

  void status(String value) {
    if (status == null && present(value)) {
      status = value.trim();
    }
  }

  void error(String value) {
    if (error == null && present(value)) {
      error = value.length() > 200 ? value.substring(0, 200) : value;
    }
  }

  void durationMs(Double value) {
    if (durationMs == null && value != null) {
      durationMs = value;
    }
  }

  /** Sets an attribute unless it is already set; a null value is ignored. */
  void attribute(String key, String value) {
    if (value == null) {
      return;
    }
    if (attributeKeys == null) {
      attributeKeys = new String[8];
      attributeValues = new String[8];
    } else if (attributeIndex(key) >= 0) {
      return;
    } else if (attributeCount == attributeKeys.length) {
      attributeKeys = Arrays.copyOf(attributeKeys, attributeCount * 2);
      attributeValues = Arrays.copyOf(attributeValues, attributeCount * 2);
    }
    attributeKeys[attributeCount] = key;
    attributeValues[attributeCount] = value;
    attributeCount++;
  }

  String attribute(String key) {
    int i = attributeIndex(key);
    return i < 0 ? null : attributeValues[i];
  }

  private int attributeIndex(String key) {
    for (int i = 0; i < attributeCount; i++) {
      if (attributeKeys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The attributes as an immutable map, or null without any. When there are nearly as many as a
   * {@code LogEvent} keeps or more, they go in a {@link LinkedHashMap}: the constructor then keeps
   * the first ones set, in that order.
   */
  private Map<String, String> attributes() {
    String[] k = attributeKeys;
    String[] v = attributeValues;
    return switch (attributeCount) {
      case 0 -> null;
      case 1 -> Map.of(k[0], v[0]);
      case 2 -> Map.of(k[0], v[0], k[1], v[1]);
      case 3 -> Map.of(k[0], v[0], k[1], v[1], k[2], v[2]);
      case 4 -> Map.of(k[0], v[0], k[1], v[1], k[2], v[2], k[3], v[3]);
      case 5 -> Map.of(k[0], v[0], k[1], v[1], k[2], v[2], k[3], v[3], k[4], v[4]);
      case 6 -> Map.of(k[0], v[0], k[1], v[1], k[2], v[2], k[3], v[3], k[4], v[4], k[5], v[5]);
      default -> {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < attributeCount; i++) {
          map.put(k[i], v[i]);
        }
        yield attributeCount < LogEvent.MAX_ATTRIBUTES - 2 ? Map.copyOf(map) : map;
      }
    };
  }

  /** Whether a level was found that marks the line as routine (no need to hunt for errors). */
  boolean isRoutineLevel() {
    if (level == null) {
      return false;
    }
    String known = knownLevel(level);
    return switch (known != null ? known : level.toUpperCase(Locale.ROOT)) {
      case "INFO", "DEBUG", "TRACE", "INFORMATION", "LOG", "NOTICE" -> true;
      default -> false;
    };
  }

  /** How far a line's own timestamp may be from CloudWatch's before it is ignored: a day. */
  static final long MAX_LINE_CLOCK_SKEW_MS = 24L * 3600 * 1000;

  /** Attribute keeping a line timestamp that was too far from CloudWatch's to be used. */
  static final String IGNORED_TIMESTAMP = "ignoredTimestamp";

  LogEvent build(LogSource source, CloudWatchEvent event, String line, long ingestedAt) {
    String svc;
    if (source.isLambda()) {
      // A Lambda's platform lines cannot name another service: the function is the service.
      svc = source.groupService();
      if (service != null && !service.equals(svc)) {
        attribute(LineParser.APP_SERVICE, service);
      }
    } else {
      svc = service != null ? service : source.groupService();
    }
    long time = event.timestamp();
    if (timestamp != null) {
      // The line's own clock is finer than CloudWatch's, but a unit mistake (µs, s) or a broken
      // clock must not move the event by days: far from CloudWatch's time it is only kept.
      if (Math.abs((double) timestamp - event.timestamp()) <= MAX_LINE_CLOCK_SKEW_MS) {
        time = timestamp;
      } else {
        attribute(IGNORED_TIMESTAMP, Long.toString(timestamp));
        if (kind == EventKind.SPAN) {
          // A span's event is anchored at its start: without a usable start it is no span.
          kind = EventKind.APP;
          attribute(LineParser.INCOMPLETE_SPAN, "bad-start");
        }
      }
    }
    // The canonical constructor directly, not LogEvent.Builder: the builder would copy the
    // attributes into its own map before the constructor copies them again (hot path).
    String traceId = null;
    TraceIdFormat traceIdFormat = null;
    String span = spanId;
    String parentSpan = parentSpanId;
    if (trace != null) {
      // as LogEvent.Builder.trace(Parsed): the parsed id's span ids fill only missing ones
      traceId = trace.traceId();
      traceIdFormat = trace.format();
      if (span == null) {
        span = trace.spanId();
      }
      if (parentSpan == null) {
        parentSpan = trace.parentSpanId();
      }
    }
    String upperLevel = level == null ? null : knownLevel(level);
    return new LogEvent(
        event.id(),
        time,
        ingestedAt,
        traceId,
        traceIdFormat,
        span,
        parentSpan,
        requestId,
        svc,
        operation,
        source.logGroup(),
        source.logStream(),
        upperLevel != null ? upperLevel : level,
        line,
        kind,
        durationMs,
        status,
        error,
        attributes());
  }

  /**
   * The upper-case form ({@code toUpperCase(Locale.ROOT)}) of the usual spellings of levels, else
   * null: a constant, so that no copy is made (the {@code LogEvent} constructor upper-cases the
   * level again, which for a constant in upper case is only a scan).
   */
  static String knownLevel(String level) {
    return switch (level) {
      case "INFO", "info", "Info" -> "INFO";
      case "DEBUG", "debug", "Debug" -> "DEBUG";
      case "WARN", "warn", "Warn" -> "WARN";
      case "WARNING", "warning", "Warning" -> "WARNING";
      case "ERROR", "error", "Error" -> "ERROR";
      case "TRACE", "trace", "Trace" -> "TRACE";
      case "FATAL", "fatal", "Fatal" -> "FATAL";
      default -> null;
    };
  }

  static boolean present(String value) {
    return value != null && !value.isBlank() && !"-".equals(value);
  }

  /** A 16-hex span id in lower case, or null when {@code value} is not one. */
  static String hexId(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.length() != 16) {
      return null;
    }
    for (int i = 0; i < 16; i++) {
      if (Character.digit(v.charAt(i), 16) < 0) {
        return null;
      }
    }
    return v.toLowerCase(Locale.ROOT);
  }
}
