package io.traceline.ingest.parse;

import com.fasterxml.jackson.databind.node.NumericNode;
import io.traceline.ingest.parse.JsonFields.Obj;
import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIds;

/**
 * Span records written one per line, recognised by their shape among JSON lines:
 *
 * <ul>
 *   <li><b>OpenTelemetry</b>, as CloudWatch Transaction Search writes spans to {@code aws/spans}
 *       and as OTLP/JSON writes a span: {@code spanId} and any of {@code startTimeUnixNano}, {@code
 *       endTimeUnixNano}, {@code durationNano}. Times are epoch nanoseconds as numbers or decimal
 *       strings; {@code kind} is a name ({@code SERVER}, {@code SPAN_KIND_SERVER}) or the OTLP
 *       number; {@code status.code} {@code ERROR}, {@code STATUS_CODE_ERROR} or {@code 2} is an
 *       error; {@code attributes} and {@code resource.attributes} are maps (aws/spans) or OTLP/JSON
 *       {@code KeyValue} lists.
 *   <li><b>Zipkin v2</b>: {@code traceId}, a 16-hex {@code id}, and either both {@code timestamp}
 *       and {@code duration} (epoch microseconds) or a {@code localEndpoint} object.
 * </ul>
 *
 * <p>A line that only names a span id ({@code span_id}, {@code spanId} beside a message) has
 * neither shape and stays an ordinary line. A span record with a span id, a start and a duration
 * (or end) becomes a {@link EventKind#SPAN} event: timestamp = start in epoch ms (rounded down),
 * {@code durationMs} = the duration with its fractions ({@code end - start} when both are there),
 * operation = span name, service = the span's service, attributes {@link LogEvent#SPAN_KIND} and
 * {@link LogEvent#PEER_SERVICE}, {@link LineParser#SHARED_SPAN} for a Zipkin {@code shared} span;
 * status = the HTTP status when tagged, else {@code error} for an error span, whose level is {@code
 * ERROR}. A duration that is no duration (end before start, beyond 7 days) is kept by the {@code
 * LogEvent} rules ({@link LogEvent#INVALID_DURATION_MS}). A span record without a usable span id,
 * start or duration is an ordinary {@code APP} event that keeps what the record says (ids, service,
 * operation, kind, its start as timestamp when it has one) and why in {@link
 * LineParser#INCOMPLETE_SPAN}.
 *
 * <p>Reads the members of the line's one streaming parse ({@link JsonFields}): its names are among
 * the reader's ({@link #KEYS}, {@link #RARE_KEYS}). Immutable and thread-safe.
 */
final class SpanRecords {

  /**
   * Members read here that the JSON line reader must keep (at any depth) and that ordinary lines
   * often hold too ({@code timestamp}, {@code name}...): common slots.
   */
  static final String[] KEYS = {
    "traceId",
    "spanId",
    "parentSpanId",
    "id",
    "name",
    "kind",
    "timestamp",
    "duration",
    "tags",
    "status",
    "code",
    "message",
    "error",
    "attributes",
    "service.name",
    "serviceName",
    "error.type"
  };

  /**
   * Members read here that only span records hold: rare slots, which an object read by the JSON
   * line reader allocates only when it holds one of them, so that they cost other lines nothing.
   */
  static final String[] RARE_KEYS = {
    "parentId",
    "startTimeUnixNano",
    "endTimeUnixNano",
    "durationNano",
    "localEndpoint",
    "remoteEndpoint",
    "shared",
    "resource",
    "aws.local.service",
    "aws.remote.service",
    "peer.service",
    "http.response.status_code",
    "http.status_code"
  };

  /** Members whose array value is an OTLP/JSON {@code KeyValue} list. */
  static final String[] KEY_VALUE_LISTS = {"attributes"};

  /** The span kinds, as {@link LogEvent#SPAN_KIND} holds them. */
  private static final String[] KINDS = {"SERVER", "CLIENT", "PRODUCER", "CONSUMER", "INTERNAL"};

  private static final String SPAN_KIND_PREFIX = "SPAN_KIND_";

  private static final long NANOS_PER_MS = 1_000_000L;
  private static final long MICROS_PER_MS = 1_000L;

  private final int traceId;
  private final int spanId;
  private final int parentSpanId;
  private final int id;
  private final int parentId;
  private final int name;
  private final int kind;
  private final int timestamp;
  private final int duration;
  private final int startTimeUnixNano;
  private final int endTimeUnixNano;
  private final int durationNano;
  private final int localEndpoint;
  private final int remoteEndpoint;
  private final int serviceName;
  private final int tags;
  private final int shared;
  private final int status;
  private final int code;
  private final int message;
  private final int error;
  private final int resource;
  private final int attributes;
  private final int serviceDotName;
  private final int awsLocalService;
  private final int awsRemoteService;
  private final int peerService;
  private final int httpResponseStatusCode;
  private final int httpStatusCode;
  private final int errorType;

  /**
   * Span records read from {@code fields}, which must keep every name of {@link #KEYS} and {@link
   * #RARE_KEYS}.
   */
  SpanRecords(JsonFields fields) {
    traceId = fields.id("traceId");
    spanId = fields.id("spanId");
    parentSpanId = fields.id("parentSpanId");
    id = fields.id("id");
    parentId = fields.id("parentId");
    name = fields.id("name");
    kind = fields.id("kind");
    timestamp = fields.id("timestamp");
    duration = fields.id("duration");
    startTimeUnixNano = fields.id("startTimeUnixNano");
    endTimeUnixNano = fields.id("endTimeUnixNano");
    durationNano = fields.id("durationNano");
    localEndpoint = fields.id("localEndpoint");
    remoteEndpoint = fields.id("remoteEndpoint");
    serviceName = fields.id("serviceName");
    tags = fields.id("tags");
    shared = fields.id("shared");
    status = fields.id("status");
    code = fields.id("code");
    message = fields.id("message");
    error = fields.id("error");
    resource = fields.id("resource");
    attributes = fields.id("attributes");
    serviceDotName = fields.id("service.name");
    awsLocalService = fields.id("aws.local.service");
    awsRemoteService = fields.id("aws.remote.service");
    peerService = fields.id("peer.service");
    httpResponseStatusCode = fields.id("http.response.status_code");
    httpStatusCode = fields.id("http.status_code");
    errorType = fields.id("error.type");
  }

  /**
   * Reads {@code root} into {@code f} when it is a span record (complete or not).
   *
   * @return false, leaving {@code f} untouched, when the line is no span record
   */
  boolean parse(Obj root, Fields f) {
    // A few slot checks: the cost of this for every other JSON line.
    if (root.has(startTimeUnixNano) || root.has(endTimeUnixNano) || root.has(durationNano)) {
      if (!root.has(spanId)) {
        return false;
      }
      openTelemetry(root, f);
      return true;
    }
    if (root.has(id) && root.has(traceId)) {
      return zipkin(root, f);
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // OpenTelemetry: aws/spans, OTLP/JSON

  private void openTelemetry(Obj root, Fields f) {
    f.traceFrom(root.text(traceId));
    String span = Fields.hexId(root.text(spanId));
    f.spanId = span;
    f.parentSpanId = parent(root.text(parentSpanId));
    f.operation(root.text(name));
    Obj spanAttributes = attributes(root);
    Obj res = root.object(resource);
    Obj resourceAttributes = res == null ? null : attributes(res);
    f.service(text(resourceAttributes, serviceDotName));
    f.service(root.text(serviceDotName));
    f.service(text(resourceAttributes, awsLocalService));
    f.service(text(spanAttributes, awsLocalService));
    f.attribute(LogEvent.SPAN_KIND, kind(root.get(kind)));
    String peer = text(spanAttributes, peerService);
    f.attribute(LogEvent.PEER_SERVICE, Fields.present(peer) ? peer : remoteService(spanAttributes));

    Obj st = root.object(status);
    boolean failed = st != null && isErrorCode(st.get(code));
    String errorText = null;
    if (failed) {
      errorText = st.text(message);
      if (!Fields.present(errorText)) {
        errorText = text(spanAttributes, errorType);
      }
    }
    String http = text(spanAttributes, httpResponseStatusCode);
    outcome(
        f, Fields.present(http) ? http : text(spanAttributes, httpStatusCode), failed, errorText);

    Long start = exactLong(root.get(startTimeUnixNano));
    Long end = exactLong(root.get(endTimeUnixNano));
    Double durationMs = null;
    if (start != null && end != null) {
      durationMs = difference(start, end) / NANOS_PER_MS;
    } else if (start != null) {
      Double nanos = root.number(durationNano);
      durationMs = nanos == null ? null : nanos / NANOS_PER_MS;
    }
    String incomplete;
    if (span == null) {
      incomplete = "no-span-id";
    } else if (start == null) {
      incomplete = root.has(startTimeUnixNano) ? "bad-time" : "no-start";
    } else if (durationMs == null) {
      incomplete = root.has(endTimeUnixNano) || root.has(durationNano) ? "bad-time" : "no-end";
    } else {
      incomplete = null;
    }
    finish(f, start == null ? null : Math.floorDiv(start, NANOS_PER_MS), durationMs, incomplete);
  }

  /** The {@code attributes} of a span or resource: a map (aws/spans) or a KeyValue list (OTLP). */
  private Obj attributes(Obj node) {
    Obj map = node.object(attributes);
    return map != null ? map : node.keyValues(attributes);
  }

  /** {@code aws.remote.service}: the callee as Application Signals names it on client spans. */
  private String remoteService(Obj spanAttributes) {
    String remote = text(spanAttributes, awsRemoteService);
    return Fields.present(remote) ? remote : null;
  }

  /** {@code ERROR}, {@code STATUS_CODE_ERROR} (any case) or the OTLP number 2. */
  private static boolean isErrorCode(Object value) {
    if (value instanceof NumericNode n) {
      return n.isIntegralNumber() && n.canConvertToInt() && n.intValue() == 2;
    }
    if (value instanceof String s) {
      return s.equalsIgnoreCase("ERROR") || s.equalsIgnoreCase("STATUS_CODE_ERROR");
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Zipkin v2

  private boolean zipkin(Obj root, Fields f) {
    String span = Fields.hexId(root.text(id));
    if (span == null) {
      return false; // an "id" of another kind: an ordinary line
    }
    Long startMicros = exactLong(root.get(timestamp));
    Double micros = root.number(duration);
    Obj local = root.object(localEndpoint);
    if ((startMicros == null || micros == null) && local == null) {
      return false; // no times and no endpoint: nothing says it is a span
    }
    TraceIds.Result trace = TraceIds.parseB3TraceId(root.text(traceId)); // 64-bit ids padded
    if (trace instanceof TraceIds.Parsed parsed) {
      f.trace(parsed);
    }
    f.spanId = span;
    f.parentSpanId = parent(root.text(parentId));
    f.operation(root.text(name));
    if (local != null) {
      f.service(local.text(serviceName));
    }
    f.attribute(LogEvent.SPAN_KIND, kind(root.get(kind)));
    Obj remote = root.object(remoteEndpoint);
    if (remote != null) {
      String peer = remote.text(serviceName);
      f.attribute(LogEvent.PEER_SERVICE, Fields.present(peer) ? peer : null);
    }
    if (Boolean.TRUE.equals(root.get(shared)) || "true".equals(root.string(shared))) {
      f.attribute(LineParser.SHARED_SPAN, "true");
    }
    Obj tagMap = root.object(tags);
    if (tagMap != null) {
      boolean failed = tagMap.has(error); // Zipkin: the error tag's presence marks a failure
      outcome(f, tagMap.text(httpStatusCode), failed, failed ? tagMap.text(error) : null);
    }

    String incomplete;
    if (startMicros == null) {
      incomplete = root.has(timestamp) ? "bad-time" : "no-start";
    } else if (micros == null) {
      incomplete = root.has(duration) ? "bad-time" : "no-end";
    } else {
      incomplete = null;
    }
    Long start = startMicros == null ? null : Math.floorDiv(startMicros, MICROS_PER_MS);
    finish(f, start, micros == null ? null : micros / MICROS_PER_MS, incomplete);
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // shared

  /**
   * A span event, or an ordinary one that keeps the record's start as its time and says why it is
   * no span.
   */
  private static void finish(Fields f, Long startMs, Double durationMs, String incomplete) {
    f.timestamp = startMs;
    if (incomplete == null) {
      f.kind = EventKind.SPAN;
      f.durationMs(durationMs);
    } else {
      f.attribute(LineParser.INCOMPLETE_SPAN, incomplete);
    }
  }

  private static void outcome(Fields f, String httpStatus, boolean failed, String errorText) {
    f.status(httpStatus);
    if (failed) {
      f.level("ERROR");
      f.status("error");
      f.error(errorText);
    }
  }

  /** A parent span id; an empty or all-zero one (a root span) is none. */
  private static String parent(String value) {
    String hex = Fields.hexId(value);
    return hex == null || hex.equals("0000000000000000") ? null : hex;
  }

  /** The span kind in upper case, from a name in any case (prefix {@code SPAN_KIND_} or not). */
  static String kind(Object value) {
    if (value instanceof NumericNode n) {
      // OTLP: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        return null;
      }
      return switch (n.intValue()) {
        case 1 -> "INTERNAL";
        case 2 -> "SERVER";
        case 3 -> "CLIENT";
        case 4 -> "PRODUCER";
        case 5 -> "CONSUMER";
        default -> null;
      };
    }
    if (!(value instanceof String s)) {
      return null;
    }
    int from =
        s.regionMatches(true, 0, SPAN_KIND_PREFIX, 0, SPAN_KIND_PREFIX.length())
            ? SPAN_KIND_PREFIX.length()
            : 0;
    for (String k : KINDS) {
      if (s.length() - from == k.length() && s.regionMatches(true, from, k, 0, k.length())) {
        return k;
      }
    }
    return null; // UNSPECIFIED, or no kind
  }

  /**
   * An integral number as a {@code long}: a JSON integer, a float without its fraction, or a
   * decimal string (OTLP/JSON writes 64-bit integers as strings); null for anything else or out of
   * range.
   */
  static Long exactLong(Object value) {
    if (value instanceof NumericNode n) {
      if (n.isIntegralNumber()) {
        return n.canConvertToLong() ? n.longValue() : null;
      }
      double d = n.doubleValue();
      return Double.isFinite(d) && Math.abs(d) < 9.0e18 ? (long) Math.floor(d) : null;
    }
    if (value instanceof String s) {
      return Numbers.exactLong(s.trim());
    }
    return null;
  }

  /** {@code end - start} without overflow. */
  private static double difference(long start, long end) {
    long d = end - start;
    if (((end ^ start) & (end ^ d)) < 0) {
      return (double) end - (double) start; // overflowed: times no span has, kept as invalid
    }
    return d;
  }

  private static String text(Obj node, int key) {
    return node == null ? null : node.text(key);
  }
}
