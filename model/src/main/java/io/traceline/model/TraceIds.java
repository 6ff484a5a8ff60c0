package io.traceline.model;

/**
 * Normalises trace ids found in log lines to the canonical form: 32 lowercase hex.
 *
 * <p>Pure and thread-safe. Never throws on bad input: garbage yields a {@link Rejected} with a
 * reason.
 */
public final class TraceIds {

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
   * @param input the input (cut to 128 characters)
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
   */
  public static Result parse(String raw) {
    throw new UnsupportedOperationException("TODO");
  }
}
