package io.traceline.sink.opensearch;

import java.util.Objects;

/**
 * What became of the delete of an earlier revision in the next month's index ({@link
 * Doc#movedFrom()}), sent once the document itself is stored. {@link #classify} is the whole retry
 * decision for those deletes.
 *
 * @param result what became of it
 * @param status the delete item's HTTP status
 * @param reason for a failure, OpenSearch's error type and reason; empty otherwise
 */
public record Removal(Result result, int status, String reason) {

  public Removal {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(reason, "reason");
  }

  /** The kinds of outcome of such a delete. */
  public enum Result {
    /** An earlier revision was there and is deleted. */
    DELETED,
    /**
     * Nothing to delete: no such document or no such index yet (404), or an equal or newer version
     * there (409).
     */
    ABSENT,
    /**
     * Overload or a server-side fault (429, 5xx, rejected execution): the document is sent again,
     * and with it the delete (the earlier revision would otherwise stay).
     */
    RETRYABLE,
    /** Any other failure; retrying will not help. The earlier revision stays (see the README). */
    FAILED
  }

  /** The removal from a delete item's HTTP status and, when it failed, its error type. */
  static Removal classify(int status, String errorType, String reason) {
    Result result;
    if (status >= 200 && status < 300) {
      result = Result.DELETED;
    } else if (status == 404 || status == 409) {
      result = Result.ABSENT;
    } else if (status == 429
        || status >= 500
        || "es_rejected_execution_exception".equals(errorType)) {
      result = Result.RETRYABLE;
    } else {
      result = Result.FAILED;
    }
    return new Removal(result, status, result == Result.DELETED ? "" : reason);
  }
}
