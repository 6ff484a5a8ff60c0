package io.traceline.sink.opensearch;

/**
 * OpenSearch did not take a request as a whole: it could not be reached, timed out, or answered 429
 * or 5xx. Nothing of the request can be assumed stored; the caller pauses and sends it again (the
 * external versions make the repeat harmless).
 */
public final class OpenSearchUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public OpenSearchUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
