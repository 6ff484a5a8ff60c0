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
 */
public record ItemResult(Doc doc, Outcome outcome, int status, String reason) {
  public ItemResult {
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
  }
}
