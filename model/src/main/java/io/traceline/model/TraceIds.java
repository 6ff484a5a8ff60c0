package io.traceline.model;

import java.util.Arrays;

/**
 * Normalises trace ids found in log lines to the canonical form: 32 lowercase hex.
 *
 * <p>Pure and thread-safe. Never throws on bad input: garbage yields a {@link Rejected} with a
 * reason. Parses one candidate value at a time; finding candidates in free text is the caller's
 * job.
 *
 * <p>Built for the ingest hot path: no regular expressions, no exceptions for control flow, no
 * splitting into intermediate strings; a successful parse allocates the canonical id, the span ids
 * it carries and the {@link Parsed} record.
 *
 * <h2>Leniency</h2>
 *
 * Traceline correlates logs, it does not propagate context, so it is more tolerant than a
 * propagator where tolerance cannot produce a wrong join:
 *
 * <ul>
 *   <li>Hex digits are accepted in any case and lowercased, also in W3C {@code traceparent} (which
 *       the W3C spec restricts to lowercase). Lowercasing is a bijection on hex, so an uppercase id
 *       can only ever join the trace it names, while rejecting it would silently lose the line.
 *   <li>Surrounding whitespace is ignored, and so is a leading header name ({@code
 *       X-Amzn-Trace-Id:}, {@code traceparent:}, {@code b3:}, case-insensitive).
 *   <li>X-Ray ids with a short epoch part (leading zeros dropped, as the OpenTelemetry Java
 *       propagator accepts) are left-padded to 8 digits. The epoch part is never checked against
 *       the clock: W3C-originated ids carry random bits there.
 *   <li>The sampling decision of a header that carries a trace id ({@code Sampled=0}, B3 {@code 0})
 *       does not matter: an unsampled request still writes logs worth correlating.
 * </ul>
 *
 * All-zero trace ids (and all-zero W3C parent / B3 span ids) are rejected, as both specs demand:
 * they are placeholders, and joining on them would merge unrelated requests.
 */
public final class TraceIds {

  /** Longest input looked at; anything longer is rejected as {@code too-long}. */
  public static final int MAX_INPUT_CHARS = 512;

  /** Longest input kept in a {@link Rejected}. */
  public static final int MAX_REJECTED_INPUT_CHARS = 128;

  private static final String EMPTY = "empty";
  private static final String TOO_LONG = "too-long";
  private static final String NOT_HEX = "not-hex";
  private static final String ALL_ZERO = "all-zero";
  private static final String BAD_LENGTH = "bad-length";
  private static final String UNKNOWN_FORMAT = "unknown-format";
  private static final String INVALID_VERSION = "invalid-version";
  private static final String MISSING_ROOT = "missing-root";
  private static final String SAMPLING_DENIED = "sampling-denied";
  private static final String SAMPLING_ONLY = "sampling-only";
  private static final String BAD_SAMPLING = "bad-sampling";

  private static final String XRAY_HEADER_PREFIX = "x-amzn-trace-id:";
  private static final String TRACEPARENT_PREFIX = "traceparent:";
  private static final String B3_PREFIX = "b3:";

  private static final int TRACE_ID_CHARS = 32;
  private static final int SPAN_ID_CHARS = 16;
  private static final int XRAY_EPOCH_CHARS = 8;
  private static final int XRAY_UNIQUE_CHARS = 24;

  private TraceIds() {}

  /** The outcome of parsing one candidate trace id. */
  public sealed interface Result permits Parsed, Rejected {}

  /**
   * A recognised trace id.
   *
   * @param traceId canonical, 32 lowercase hex
   * @param format the form it was found in
   * @param spanId span/parent id carried by the same header (16 lowercase hex), or null
   * @param parentSpanId parent span id carried by the same header (B3), or null
   */
  public record Parsed(String traceId, TraceIdFormat format, String spanId, String parentSpanId)
      implements Result {}

  /**
   * An input that is not a trace id.
   *
   * <p>The reasons form a closed set of short codes, usable as counter tags and DLQ headers:
   *
   * <ul>
   *   <li>{@code empty}: null, empty or only whitespace
   *   <li>{@code too-long}: more than {@link #MAX_INPUT_CHARS} characters
   *   <li>{@code not-hex}: a field that must be hex holds another character
   *   <li>{@code all-zero}: the trace id (or W3C parent id, B3 span id) is all zeros
   *   <li>{@code bad-length}: a field, or a bare id, has the wrong number of characters
   *   <li>{@code unknown-format}: the shape matches no supported form
   *   <li>{@code invalid-version}: W3C version {@code ff}, or an X-Ray version other than {@code 1}
   *   <li>{@code missing-root}: an X-Ray header without {@code Root=}
   *   <li>{@code sampling-denied}: B3 {@code 0} alone, a deny decision without a trace id
   *   <li>{@code sampling-only}: B3 {@code 1} or {@code d} alone, a decision without a trace id
   *   <li>{@code bad-sampling}: a B3 sampling field other than {@code 1}, {@code 0}, {@code d}
   * </ul>
   *
   * @param input the input (cut to {@link #MAX_REJECTED_INPUT_CHARS} characters; empty for null)
   * @param reason why it was rejected, for counters and DLQ headers
   */
  public record Rejected(String input, String reason) implements Result {}

  /** Whether {@code value} is already canonical: exactly 32 lowercase hex, not all zeros. */
  public static boolean isCanonical(String value) {
    if (value == null || value.length() != 32) {
      return false;
    }
    boolean nonZero = false;
    for (int i = 0; i < 32; i++) {
      char c = value.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!hex) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }

  /**
   * Parses any supported form, detected from its shape: W3C traceparent, X-Ray id, X-Ray header, B3
   * single header, plain 32 hex.
   *
   * <p>Detection order, after rejecting null, blank and over-long input and trimming whitespace:
   *
   * <ol>
   *   <li>A header-name prefix decides the form: {@code X-Amzn-Trace-Id:} an X-Ray header, {@code
   *       traceparent:} W3C, {@code b3:} B3 single (case-insensitive).
   *   <li>Any {@code =}: an X-Ray header ({@code k=v} pairs separated by {@code ;}, any order).
   *       {@code Root} is required and may use a short epoch; {@code Parent} becomes the span id
   *       when it is 16 hex (otherwise it is ignored); {@code Sampled}, {@code Self} (whose ALB
   *       value may be malformed), {@code Lineage} and unknown keys are ignored. Keys match
   *       case-insensitively; the first {@code Root} wins. {@link TraceIdFormat#XRAY_HEADER}.
   *   <li>No {@code -}: 32 hex is {@link TraceIdFormat#HEX32}; a lone {@code 0}, {@code 1} or
   *       {@code d} is a B3 sampling-only header (rejected: no trace id). A bare 16-hex value is
   *       rejected here: it is only a trace id as {@code X-B3-TraceId}, see {@link
   *       #parseB3TraceId(String)}.
   *   <li>Otherwise the length of the first {@code -}-separated field decides: 1 is an X-Ray id
   *       {@code 1-<1..8 hex>-<24 hex>} ({@link TraceIdFormat#XRAY}); 2 is a W3C traceparent {@code
   *       <version>-<32 hex>-<16 hex>-<2 hex>} ({@link TraceIdFormat#W3C_TRACEPARENT}, span id =
   *       parent-id; version {@code 00} has exactly four fields, later versions may append {@code
   *       -...}); 16 or 32 is B3 single {@code <trace>-<span>[-<1|0|d>[-<parent>]]} ({@link
   *       TraceIdFormat#B3_SINGLE}, a 64-bit trace id is left-padded with zeros; an all-zero parent
   *       is treated as absent).
   * </ol>
   *
   * <p>So {@code <32 hex>} is HEX32, {@code <32 hex>-<16 hex>-1} is B3 and {@code 00-<32 hex>-<16
   * hex>-01} is W3C: the forms never overlap.
   *
   * @param raw a candidate value, may be null
   * @return the canonical id and the form it was found in, or why it is not a trace id
   */
  public static Result parse(String raw) {
    if (raw == null) {
      return new Rejected("", EMPTY);
    }
    if (raw.length() > MAX_INPUT_CHARS) {
      return reject(raw, TOO_LONG);
    }
    int end = trimEnd(raw, 0, raw.length());
    int start = trimStart(raw, 0, end);
    if (start == end) {
      return reject(raw, EMPTY);
    }
    if (startsWithIgnoreCase(raw, start, end, XRAY_HEADER_PREFIX)) {
      int from = trimStart(raw, start + XRAY_HEADER_PREFIX.length(), end);
      return from == end ? reject(raw, EMPTY) : xrayHeader(raw, from, end);
    }
    if (startsWithIgnoreCase(raw, start, end, TRACEPARENT_PREFIX)) {
      int from = trimStart(raw, start + TRACEPARENT_PREFIX.length(), end);
      if (from == end) {
        return reject(raw, EMPTY);
      }
      return indexOf(raw, '-', from, end) - from == 2
          ? traceparent(raw, from, end)
          : reject(raw, UNKNOWN_FORMAT);
    }
    if (startsWithIgnoreCase(raw, start, end, B3_PREFIX)) {
      int from = trimStart(raw, start + B3_PREFIX.length(), end);
      return from == end ? reject(raw, EMPTY) : b3Single(raw, from, end);
    }
    if (indexOf(raw, '=', start, end) >= 0) {
      return xrayHeader(raw, start, end);
    }
    int dash = indexOf(raw, '-', start, end);
    if (dash < 0) {
      return singleToken(raw, start, end);
    }
    return switch (dash - start) {
      case 1 -> xrayId(raw, start, end, TraceIdFormat.XRAY, null);
      case 2 -> traceparent(raw, start, end);
      case SPAN_ID_CHARS, TRACE_ID_CHARS -> b3Single(raw, start, end);
      default -> reject(raw, UNKNOWN_FORMAT);
    };
  }

  /**
   * Parses the value of the B3 multi-header {@code X-B3-TraceId}: 16 or 32 hex in any case; a
   * 64-bit id is left-padded with zeros to 32. Surrounding whitespace is ignored. Never throws.
   *
   * @param raw the header value, may be null
   * @return a {@link TraceIdFormat#B3_TRACE_ID} id without span ids, or why it is not one
   */
  public static Result parseB3TraceId(String raw) {
    if (raw == null) {
      return new Rejected("", EMPTY);
    }
    if (raw.length() > MAX_INPUT_CHARS) {
      return reject(raw, TOO_LONG);
    }
    int end = trimEnd(raw, 0, raw.length());
    int start = trimStart(raw, 0, end);
    if (start == end) {
      return reject(raw, EMPTY);
    }
    int length = end - start;
    if (length != SPAN_ID_CHARS && length != TRACE_ID_CHARS) {
      return reject(raw, isHex(raw, start, end) ? BAD_LENGTH : NOT_HEX);
    }
    char[] out = zeros();
    if (!copyHex(raw, start, end, out, TRACE_ID_CHARS - length)) {
      return reject(raw, NOT_HEX);
    }
    return parsed(raw, out, TraceIdFormat.B3_TRACE_ID, null, null);
  }

  /** A value without {@code -} or {@code =}: 32 hex, or a lone B3 sampling state. */
  private static Result singleToken(String s, int start, int end) {
    int length = end - start;
    if (length == 1 && isB3Sampling(s.charAt(start))) {
      return b3Single(s, start, end);
    }
    if (length != TRACE_ID_CHARS) {
      return reject(s, isHex(s, start, end) ? BAD_LENGTH : NOT_HEX);
    }
    char[] out = new char[TRACE_ID_CHARS];
    if (!copyHex(s, start, end, out, 0)) {
      return reject(s, NOT_HEX);
    }
    return parsed(s, out, TraceIdFormat.HEX32, null, null);
  }

  /** {@code <version>-<32 hex>-<16 hex>-<2 hex>[-...]} in {@code [start, end)}. */
  private static Result traceparent(String s, int start, int end) {
    int d1 = start + 2;
    if (!isHex(s, start, d1)) {
      return reject(s, NOT_HEX);
    }
    boolean version00 = s.charAt(start) == '0' && s.charAt(start + 1) == '0';
    if ((s.charAt(start) | 0x20) == 'f' && (s.charAt(start + 1) | 0x20) == 'f') {
      return reject(s, INVALID_VERSION);
    }
    int d2 = indexOf(s, '-', d1 + 1, end);
    int d3 = d2 < 0 ? -1 : indexOf(s, '-', d2 + 1, end);
    if (d3 < 0) {
      return reject(s, BAD_LENGTH);
    }
    int d4 = indexOf(s, '-', d3 + 1, end);
    if (version00 && d4 >= 0) {
      return reject(s, BAD_LENGTH);
    }
    int flagsEnd = d4 < 0 ? end : d4;
    if (d2 - d1 - 1 != TRACE_ID_CHARS || d3 - d2 - 1 != SPAN_ID_CHARS || flagsEnd - d3 - 1 != 2) {
      return reject(s, BAD_LENGTH);
    }
    char[] out = new char[TRACE_ID_CHARS];
    if (!copyHex(s, d1 + 1, d2, out, 0) || !isHex(s, d3 + 1, flagsEnd)) {
      return reject(s, NOT_HEX);
    }
    String spanId = lowerHex(s, d2 + 1, d3);
    if (spanId == null) {
      return reject(s, NOT_HEX);
    }
    if (isZeros(spanId)) {
      return reject(s, ALL_ZERO);
    }
    return parsed(s, out, TraceIdFormat.W3C_TRACEPARENT, spanId, null);
  }

  /**
   * {@code 1-<1..8 hex>-<24 hex>} in {@code [start, end)} of {@code s}, the whole input (reported
   * on rejection).
   */
  private static Result xrayId(String s, int start, int end, TraceIdFormat format, String spanId) {
    int d1 = start + 1;
    if (end - start < 2 || s.charAt(d1) != '-') {
      return reject(s, end - start < 2 ? BAD_LENGTH : UNKNOWN_FORMAT);
    }
    int d2 = indexOf(s, '-', d1 + 1, end);
    if (d2 < 0 || indexOf(s, '-', d2 + 1, end) >= 0) {
      return reject(s, UNKNOWN_FORMAT);
    }
    if (s.charAt(start) != '1') {
      return reject(s, INVALID_VERSION);
    }
    int epochLength = d2 - d1 - 1;
    if (epochLength < 1 || epochLength > XRAY_EPOCH_CHARS || end - d2 - 1 != XRAY_UNIQUE_CHARS) {
      return reject(s, BAD_LENGTH);
    }
    char[] out = zeros();
    if (!copyHex(s, d1 + 1, d2, out, XRAY_EPOCH_CHARS - epochLength)
        || !copyHex(s, d2 + 1, end, out, XRAY_EPOCH_CHARS)) {
      return reject(s, NOT_HEX);
    }
    return parsed(s, out, format, spanId, null);
  }

  /** {@code k=v} pairs separated by {@code ;} in {@code [start, end)}; needs {@code Root}. */
  private static Result xrayHeader(String s, int start, int end) {
    int rootStart = -1;
    int rootEnd = -1;
    String parent = null;
    int i = start;
    while (i < end) {
      int semi = indexOf(s, ';', i, end);
      if (semi < 0) {
        semi = end;
      }
      int eq = indexOf(s, '=', i, semi);
      if (eq >= 0) {
        int keyStart = trimStart(s, i, eq);
        int keyEnd = trimEnd(s, keyStart, eq);
        int valueEnd = trimEnd(s, eq + 1, semi);
        int valueStart = trimStart(s, eq + 1, valueEnd);
        if (rootStart < 0 && isKey(s, keyStart, keyEnd, "root")) {
          rootStart = valueStart;
          rootEnd = valueEnd;
        } else if (parent == null
            && valueEnd - valueStart == SPAN_ID_CHARS
            && isKey(s, keyStart, keyEnd, "parent")) {
          parent = lowerHex(s, valueStart, valueEnd);
          if (parent != null && isZeros(parent)) {
            parent = null;
          }
        }
      }
      i = semi + 1;
    }
    if (rootStart < 0) {
      return reject(s, MISSING_ROOT);
    }
    if (rootStart == rootEnd) {
      return reject(s, EMPTY);
    }
    return xrayId(s, rootStart, rootEnd, TraceIdFormat.XRAY_HEADER, parent);
  }

  /** {@code <16|32 hex>-<16 hex>[-<1|0|d>[-<16 hex>]]}, or a lone sampling state. */
  private static Result b3Single(String s, int start, int end) {
    int d1 = indexOf(s, '-', start, end);
    if (d1 < 0) {
      if (end - start == 1) {
        char c = s.charAt(start);
        if (c == '0') {
          return reject(s, SAMPLING_DENIED);
        }
        return reject(s, isB3Sampling(c) ? SAMPLING_ONLY : BAD_SAMPLING);
      }
      return reject(s, UNKNOWN_FORMAT);
    }
    int d2 = indexOf(s, '-', d1 + 1, end);
    int spanEnd = d2 < 0 ? end : d2;
    int d3 = d2 < 0 ? -1 : indexOf(s, '-', d2 + 1, end);
    int samplingEnd = d3 < 0 ? end : d3;
    if (d3 >= 0 && indexOf(s, '-', d3 + 1, end) >= 0) {
      return reject(s, UNKNOWN_FORMAT);
    }
    int traceLength = d1 - start;
    if ((traceLength != SPAN_ID_CHARS && traceLength != TRACE_ID_CHARS)
        || spanEnd - d1 - 1 != SPAN_ID_CHARS
        || (d3 >= 0 && end - d3 - 1 != SPAN_ID_CHARS)) {
      return reject(s, BAD_LENGTH);
    }
    if (d2 >= 0) {
      if (samplingEnd - d2 - 1 != 1) {
        return reject(s, BAD_SAMPLING);
      }
      if (!isB3Sampling(s.charAt(d2 + 1))) {
        return reject(s, BAD_SAMPLING);
      }
    }
    char[] out = zeros();
    if (!copyHex(s, start, d1, out, TRACE_ID_CHARS - traceLength)) {
      return reject(s, NOT_HEX);
    }
    String spanId = lowerHex(s, d1 + 1, spanEnd);
    String parentSpanId = d3 < 0 ? null : lowerHex(s, d3 + 1, end);
    if (spanId == null || (d3 >= 0 && parentSpanId == null)) {
      return reject(s, NOT_HEX);
    }
    if (isZeros(spanId)) {
      return reject(s, ALL_ZERO);
    }
    if (parentSpanId != null && isZeros(parentSpanId)) {
      parentSpanId = null;
    }
    return parsed(s, out, TraceIdFormat.B3_SINGLE, spanId, parentSpanId);
  }

  /** B3 sampling states: {@code 1} accept, {@code 0} deny, {@code d} debug (any case). */
  private static boolean isB3Sampling(char c) {
    return c == '0' || c == '1' || c == 'd' || c == 'D';
  }

  private static Result parsed(
      String raw, char[] traceId, TraceIdFormat format, String spanId, String parentSpanId) {
    for (char c : traceId) {
      if (c != '0') {
        return new Parsed(new String(traceId), format, spanId, parentSpanId);
      }
    }
    return reject(raw, ALL_ZERO);
  }

  private static Rejected reject(String raw, String reason) {
    if (raw.length() <= MAX_REJECTED_INPUT_CHARS) {
      return new Rejected(raw, reason);
    }
    int cut = MAX_REJECTED_INPUT_CHARS;
    if (Character.isHighSurrogate(raw.charAt(cut - 1))) {
      cut--; // never split a surrogate pair
    }
    return new Rejected(raw.substring(0, cut), reason);
  }

  private static char[] zeros() {
    char[] out = new char[TRACE_ID_CHARS];
    Arrays.fill(out, '0');
    return out;
  }

  /**
   * Copies hex {@code s[from, to)} lowercased into {@code out} at {@code pos}; false if not hex.
   */
  private static boolean copyHex(String s, int from, int to, char[] out, int pos) {
    for (int i = from; i < to; i++) {
      int lower = lowerHexDigit(s.charAt(i));
      if (lower < 0) {
        return false;
      }
      out[pos++] = (char) lower;
    }
    return true;
  }

  /** {@code s[from, to)} lowercased, or null if it is not all hex. */
  private static String lowerHex(String s, int from, int to) {
    char[] out = new char[to - from];
    return copyHex(s, from, to, out, 0) ? new String(out) : null;
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (lowerHexDigit(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The lowercase form of a hex digit, or -1 if {@code c} is not one. */
  private static int lowerHexDigit(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
      return c;
    }
    if (c >= 'A' && c <= 'F') {
      return c + ('a' - 'A');
    }
    return -1;
  }

  private static boolean isZeros(String hex) {
    for (int i = 0; i < hex.length(); i++) {
      if (hex.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static boolean isKey(String s, int from, int to, String lowerKey) {
    return to - from == lowerKey.length() && s.regionMatches(true, from, lowerKey, 0, to - from);
  }

  private static boolean startsWithIgnoreCase(String s, int from, int to, String lowerPrefix) {
    return to - from >= lowerPrefix.length()
        && s.regionMatches(true, from, lowerPrefix, 0, lowerPrefix.length());
  }

  private static int indexOf(String s, char c, int from, int to) {
    int i = s.indexOf(c, from);
    return i < to ? i : -1;
  }

  private static int trimStart(String s, int from, int to) {
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int trimEnd(String s, int from, int to) {
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
