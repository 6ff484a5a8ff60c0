package io.traceline.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One log line, parsed and normalised: the value of {@code traceline.events} (keyed by {@link
 * #traceId()}) and {@code traceline.unkeyed} (no trace id yet).
 *
 * <p>Immutable and thread-safe. The compact constructor validates the contract: {@code id} is the
 * dedupe key (for CloudWatch a 56-digit decimal string, never parsed as a number), {@code traceId}
 * is either {@code null} or canonical (32 lowercase hex), {@code attributes} hold at most {@link
 * #MAX_ATTRIBUTES} entries of at most {@link #MAX_ATTRIBUTE_CHARS} characters and {@code message}
 * at most {@link #MAX_MESSAGE_CHARS} characters; longer input is cut and marked with the attribute
 * {@code truncated=true}.
 *
 * @param id unique event id (CloudWatch {@code logEvents[].id}); the dedupe key
 * @param timestamp event time, epoch milliseconds
 * @param ingestedAt when Traceline parsed the event, epoch milliseconds
 * @param traceId canonical trace id, 32 lowercase hex, or {@code null}
 * @param traceIdFormat the form the trace id was found in, or {@code null} without a trace id
 * @param spanId span / segment id (16 hex) when the line carries one
 * @param parentSpanId parent span id when the line carries one
 * @param requestId request id (Lambda RequestId, API Gateway requestId) when present
 * @param service the service that wrote the line (from the record, else from the log group)
 * @param operation route, handler or statement the line belongs to, when known
 * @param logGroup CloudWatch log group
 * @param logStream CloudWatch log stream
 * @param level log level, upper case ({@code INFO}, {@code WARN}, {@code ERROR}...), or null
 * @param message the line as written, without the trailing newline
 * @param kind what kind of line this is; decides how timestamp and duration form an interval
 * @param durationMs duration the line reports (latency, invocation, query), or null
 * @param status outcome the line reports ({@code 502}, {@code timeout}, {@code error}), or null
 * @param error error type or short error text when the line reports a failure, or null
 * @param attributes further bounded key/value pairs worth keeping (cold start, init duration...)
 */
public record LogEvent(
    String id,
    long timestamp,
    long ingestedAt,
    String traceId,
    TraceIdFormat traceIdFormat,
    String spanId,
    String parentSpanId,
    String requestId,
    String service,
    String operation,
    String logGroup,
    String logStream,
    String level,
    String message,
    EventKind kind,
    Double durationMs,
    String status,
    String error,
    Map<String, String> attributes) {

  /** Most attributes an event keeps; further ones are dropped and counted in {@code truncated}. */
  public static final int MAX_ATTRIBUTES = 32;

  /** Longest attribute value kept. */
  public static final int MAX_ATTRIBUTE_CHARS = 1024;

  /** Longest message kept (CloudWatch allows 1 MB per event; Kafka records should stay small). */
  public static final int MAX_MESSAGE_CHARS = 64 * 1024;

  /** Attribute set to {@code true} when the message or attributes were cut to their bounds. */
  public static final String TRUNCATED = "truncated";

  /** Attribute carrying the Lambda init duration (ms) of a cold start. */
  public static final String INIT_DURATION_MS = "initDurationMs";

  /** Attribute set to {@code true} on the event that proves a cold start. */
  public static final String COLD_START = "coldStart";

  /**
   * Attribute of a span's event ({@link EventKind#SPAN}): its kind, upper case, one of {@code
   * CLIENT}, {@code SERVER}, {@code PRODUCER}, {@code CONSUMER}, {@code INTERNAL}; absent when the
   * record names none. A Zipkin shared span's two halves carry the same {@code spanId}: this tells
   * the CLIENT from the SERVER.
   */
  public static final String SPAN_KIND = "spanKind";

  /**
   * Attribute of a span's event: the service on the other side of the call, as the record names it
   * (Zipkin {@code remoteEndpoint.serviceName}, OpenTelemetry {@code peer.service}); absent when it
   * names none.
   */
  public static final String PEER_SERVICE = "peerService";

  /**
   * Attribute keeping a duration the line reported that is no duration (negative, not finite, or
   * beyond {@link #MAX_DURATION_MS}); {@code durationMs} is then absent.
   */
  public static final String INVALID_DURATION_MS = "invalidDurationMs";

  /**
   * Latest event time accepted: 9999-12-31T23:59:59.999Z, so that time arithmetic never overflows.
   */
  public static final long MAX_TIMESTAMP = 253_402_300_799_999L;

  /**
   * Longest duration accepted (7 days); longer values are kept only as {@link
   * #INVALID_DURATION_MS}.
   */
  public static final double MAX_DURATION_MS = 7 * 24 * 3600 * 1000.0;

  public LogEvent {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    Objects.requireNonNull(kind, "kind");
    if (timestamp < 0 || timestamp > MAX_TIMESTAMP) {
      throw new IllegalArgumentException("timestamp outside [0, year 9999]: " + timestamp);
    }
    if (traceId != null && !TraceIds.isCanonical(traceId)) {
      throw new IllegalArgumentException("traceId must be 32 lowercase hex: " + traceId);
    }
    if (traceId == null && traceIdFormat != null) {
      throw new IllegalArgumentException("traceIdFormat without traceId");
    }
    service = service == null || service.isBlank() ? "unknown" : service;
    level = level == null ? null : normaliseLevel(level);
    message = message == null ? "" : message;
    boolean cut = false;
    if (message.length() > MAX_MESSAGE_CHARS) {
      message = cut(message, MAX_MESSAGE_CHARS);
      cut = true;
    }
    Double invalidDuration = null;
    if (durationMs != null && !isDuration(durationMs)) {
      invalidDuration = durationMs;
      durationMs = null;
    }
    attributes = bound(attributes, invalidDuration, cut);
  }

  /**
   * The attributes within their bounds, as an immutable map: nulls dropped, values cut, at most
   * {@link #MAX_ATTRIBUTES} entries, {@link #INVALID_DURATION_MS} and {@link #TRUNCATED} added.
   */
  private static Map<String, String> bound(
      Map<String, String> attributes, Double invalidDuration, boolean messageCut) {
    if (!messageCut && invalidDuration == null && isWithinBounds(attributes)) {
      // The usual case, nothing to drop, cut or add: no intermediate map (hot path of the ingest).
      return attributes == null || attributes.isEmpty() ? Map.of() : Map.copyOf(attributes);
    }
    boolean cut = messageCut;
    Map<String, String> bounded = new LinkedHashMap<>();
    if (invalidDuration != null) {
      bounded.put(INVALID_DURATION_MS, String.valueOf(invalidDuration));
    }
    if (attributes != null) {
      for (Map.Entry<String, String> e : attributes.entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          continue;
        }
        if (TRUNCATED.equals(e.getKey())) {
          // Kept as the marker below, never counted: bounding an already-bounded event is a no-op.
          cut |= "true".equals(e.getValue());
          continue;
        }
        if (bounded.size() >= MAX_ATTRIBUTES - 1) {
          cut = true;
          break;
        }
        String value = e.getValue();
        if (value.length() > MAX_ATTRIBUTE_CHARS) {
          value = cut(value, MAX_ATTRIBUTE_CHARS);
          cut = true;
        }
        bounded.put(e.getKey(), value);
      }
    }
    if (cut) {
      bounded.put(TRUNCATED, "true");
    }
    return Map.copyOf(bounded);
  }

  /**
   * Whether the compact constructor would keep {@code attributes} as they are: no null key or
   * value, no {@link #TRUNCATED} marker, no value too long, not too many.
   */
  private static boolean isWithinBounds(Map<String, String> attributes) {
    if (attributes == null) {
      return true;
    }
    if (attributes.size() > MAX_ATTRIBUTES - 1) {
      return false;
    }
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (key == null
          || value == null
          || value.length() > MAX_ATTRIBUTE_CHARS
          || TRUNCATED.equals(key)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDuration(double ms) {
    return ms >= 0 && ms <= MAX_DURATION_MS; // false for NaN too
  }

  /** Cuts to at most {@code max} chars without splitting a surrogate pair. */
  private static String cut(String value, int max) {
    int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
    return value.substring(0, end);
  }

  /** A builder, for parsers that fill fields one by one. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this event's fields. */
  public Builder toBuilder() {
    return new Builder()
        .id(id)
        .timestamp(timestamp)
        .ingestedAt(ingestedAt)
        .trace(traceId, traceIdFormat)
        .spanId(spanId)
        .parentSpanId(parentSpanId)
        .requestId(requestId)
        .service(service)
        .operation(operation)
        .logGroup(logGroup)
        .logStream(logStream)
        .level(level)
        .message(message)
        .kind(kind)
        .durationMs(durationMs)
        .status(status)
        .error(error)
        .attributes(attributes);
  }

  /**
   * Whether the event carries a canonical trace id (goes to {@code traceline.events}). Derived, so
   * not part of the JSON contract.
   */
  @JsonIgnore
  public boolean isKeyed() {
    return traceId != null;
  }

  /**
   * Whether this line reports a failure: an error level, an error text or a failed status. Derived,
   * so not part of the JSON contract: without {@link JsonIgnore} Jackson would write this boolean
   * as {@code "error"} in place of the {@link #error()} text.
   */
  @JsonIgnore
  public boolean isError() {
    return error != null || "ERROR".equals(level) || "FATAL".equals(level) || isFailedStatus();
  }

  private boolean isFailedStatus() {
    if (status == null) {
      return false;
    }
    if (status.length() == 3 && Character.isDigit(status.charAt(0))) {
      return status.charAt(0) == '5';
    }
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "error", "timeout", "failure" -> true;
      default -> false;
    };
  }

  /**
   * Start of the interval the event covers, from its kind's anchor: an END-anchored event with a
   * duration started {@code durationMs} before its timestamp.
   */
  public long startTime() {
    if (durationMs == null || kind.anchor() != EventKind.Anchor.END) {
      return timestamp;
    }
    return timestamp - Math.round(durationMs);
  }

  /** End of the interval the event covers (see {@link #startTime()}). */
  public long endTime() {
    if (durationMs == null || kind.anchor() != EventKind.Anchor.START) {
      return timestamp;
    }
    return timestamp + Math.round(durationMs);
  }

  private static String normaliseLevel(String raw) {
    String upper = raw.trim().toUpperCase(Locale.ROOT);
    return switch (upper) {
      case "WARNING" -> "WARN";
      case "ERR" -> "ERROR";
      case "CRITICAL", "FATAL", "PANIC" -> "FATAL";
      case "INFORMATION" -> "INFO";
      default -> upper;
    };
  }

  /** Mutable builder for {@link LogEvent}; not thread-safe. */
  public static final class Builder {
    private String id;
    private long timestamp;
    private long ingestedAt;
    private String traceId;
    private TraceIdFormat traceIdFormat;
    private String spanId;
    private String parentSpanId;
    private String requestId;
    private String service;
    private String operation;
    private String logGroup;
    private String logStream;
    private String level;
    private String message;
    private EventKind kind = EventKind.APP;
    private Double durationMs;
    private String status;
    private String error;
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private Builder() {}

    public Builder id(String value) {
      this.id = value;
      return this;
    }

    public Builder timestamp(long value) {
      this.timestamp = value;
      return this;
    }

    public Builder ingestedAt(long value) {
      this.ingestedAt = value;
      return this;
    }

    /** Sets the canonical trace id and the format it was found in (both or neither). */
    public Builder trace(String canonicalTraceId, TraceIdFormat format) {
      this.traceId = canonicalTraceId;
      this.traceIdFormat = format;
      return this;
    }

    /** Sets trace id, format and (when the format carries one) span id from a parsed id. */
    public Builder trace(TraceIds.Parsed parsed) {
      this.traceId = parsed.traceId();
      this.traceIdFormat = parsed.format();
      if (spanId == null && parsed.spanId() != null) {
        this.spanId = parsed.spanId();
      }
      if (parentSpanId == null && parsed.parentSpanId() != null) {
        this.parentSpanId = parsed.parentSpanId();
      }
      return this;
    }

    public Builder spanId(String value) {
      this.spanId = value;
      return this;
    }

    public Builder parentSpanId(String value) {
      this.parentSpanId = value;
      return this;
    }

    public Builder requestId(String value) {
      this.requestId = value;
      return this;
    }

    public Builder service(String value) {
      this.service = value;
      return this;
    }

    public Builder operation(String value) {
      this.operation = value;
      return this;
    }

    public Builder logGroup(String value) {
      this.logGroup = value;
      return this;
    }

    public Builder logStream(String value) {
      this.logStream = value;
      return this;
    }

    public Builder level(String value) {
      this.level = value;
      return this;
    }

    public Builder message(String value) {
      this.message = value;
      return this;
    }

    public Builder kind(EventKind value) {
      this.kind = value;
      return this;
    }

    public Builder durationMs(Double value) {
      this.durationMs = value;
      return this;
    }

    public Builder status(String value) {
      this.status = value;
      return this;
    }

    public Builder error(String value) {
      this.error = value;
      return this;
    }

    public Builder attribute(String key, String value) {
      if (key != null && value != null) {
        attributes.put(key, value);
      }
      return this;
    }

    public Builder attributes(Map<String, String> values) {
      attributes.clear();
      if (values != null) {
        values.forEach(this::attribute);
      }
      return this;
    }

    public String traceId() {
      return traceId;
    }

    public String requestId() {
      return requestId;
    }

    public String service() {
      return service;
    }

    public LogEvent build() {
      return new LogEvent(
          id,
          timestamp,
          ingestedAt,
          traceId,
          traceIdFormat,
          spanId,
          parentSpanId,
          requestId,
          service,
          operation,
          logGroup,
          logStream,
          level,
          message,
          kind,
          durationMs,
          status,
          error,
          attributes);
    }
  }
}
