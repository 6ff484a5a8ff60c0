package io.traceline.ingest.decode;

import java.util.Locale;

/**
 * Why a Kinesis record could not be decoded. The {@link #code()} is the machine-readable reason:
 * the {@code reason} tag of {@code traceline.ingest.decode.failures} and the DLQ reason header.
 */
public enum DecodeFailure {
  /** The record is empty. */
  EMPTY,
  /**
   * The record does not start with the gzip magic bytes (base64 decoded twice, KPL aggregation,
   * plain JSON...).
   */
  NOT_GZIP,
  /** The gzip stream ends before its end: cut header, cut deflate data or missing trailer. */
  TRUNCATED_GZIP,
  /** The gzip stream is damaged: invalid deflate data, CRC or length mismatch, bad header. */
  CORRUPT_GZIP,
  /** Bytes after the last gzip member that are neither padding nor another member. */
  TRAILING_DATA,
  /** {@link SubscriptionDecoder#decode} got several gzip members; use {@code decodeAll}. */
  CONCATENATED_GZIP,
  /** The decompressed document exceeds the decoder's bound (a gzip bomb, or a broken producer). */
  TOO_LARGE,
  /** The decompressed bytes are not (complete, valid) JSON. */
  NOT_JSON,
  /** Valid JSON, but not a CloudWatch Logs subscription message (wrong shape or types). */
  NOT_A_SUBSCRIPTION_MESSAGE;

  private final String code = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The reason code, lower case with dashes, e.g. {@code not-gzip}. */
  public String code() {
    return code;
  }
}
