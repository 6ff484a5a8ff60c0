package io.traceline.sink.opensearch;

/**
 * What became of one document of a bulk request. {@link #classify} is the whole retry decision for
 * bulk items.
 */
public enum Outcome {
  /** OpenSearch stored this revision. */
  INDEXED,
  /**
   * An equal or newer revision is already stored (409 version conflict); nothing to do, a success
   * for the caller: a replay or an out-of-order revision.
   */
  STALE,
  /** Overload or a server-side fault (429, 5xx, rejected execution): send it again later. */
  RETRYABLE,
  /**
   * The document itself is wrong for its index (400: mapping, parse): for the dead-letter queue.
   */
  REJECTED;

  /** The outcome of a bulk item from its HTTP status and, when it failed, its error type. */
  static Outcome classify(int status, String errorType) {
    if (status >= 200 && status < 300) {
      return INDEXED;
    }
    if (status == 409) {
      return STALE;
    }
    if (status == 429 || status >= 500 || "es_rejected_execution_exception".equals(errorType)) {
      return RETRYABLE;
    }
    return REJECTED;
  }
}
