package io.traceline.sink.opensearch;

import java.util.Objects;

/**
 * The outcome of one document of a bulk request.
 *
 * @param doc the document sent
 * @param outcome what became of it
 * @param status the item's HTTP status
 * @param reason for a failure, OpenSearch's error type and reason (for the dead-letter queue's
 *     headers); empty when indexed
 * @param removal what became of the delete of an earlier revision in {@link Doc#movedFrom()}, or
 *     null when none was sent (the document has no such index, or it is not stored)
 */
public record ItemResult(Doc doc, Outcome outcome, int status, String reason, Removal removal) {
  public ItemResult {
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Whether the document must be sent again: OpenSearch could not take it now, or it took it but
   * not the removal of its earlier revision. Sending it again is harmless: an equal revision is
   * {@link Outcome#STALE}.
   */
  public boolean retryable() {
    return outcome == Outcome.RETRYABLE
        || (removal != null && removal.result() == Removal.Result.RETRYABLE);
  }

  /** This result with the outcome of its removal. */
  ItemResult withRemoval(Removal removal) {
    return new ItemResult(doc, outcome, status, reason, removal);
  }
}
