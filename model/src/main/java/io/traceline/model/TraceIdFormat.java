package io.traceline.model;

/** The form in which a trace id was found before it was normalised to 32 lowercase hex. */
public enum TraceIdFormat {
  /** W3C {@code traceparent}: {@code 00-<32 hex>-<16 hex>-<2 hex>}. */
  W3C_TRACEPARENT,
  /** A bare X-Ray trace id: {@code 1-<8 hex>-<24 hex>}. */
  XRAY,
  /** An X-Ray header: {@code Root=1-...;Parent=...;Sampled=...} with keys in any order. */
  XRAY_HEADER,
  /** B3 single header: {@code <trace>-<span>[-<sampling>[-<parent>]]}. */
  B3_SINGLE,
  /** B3 multi-header {@code X-B3-TraceId}: 16 or 32 hex (64-bit ids are left-padded). */
  B3_TRACE_ID,
  /** A plain 32-hex id in any case (OpenTelemetry log records, application fields). */
  HEX32
}
