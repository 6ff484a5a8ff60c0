package io.traceline.ingest.kinesis;

/**
 * Another ingest instance with the same transactional id (same stream and instance index) took
 * over: this one must stop without writing anything more. Its open transaction was aborted by the
 * newcomer, so nothing it read after its last checkpoint is in Kafka twice.
 */
public final class IngestFencedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  IngestFencedException(String transactionalId, Throwable cause) {
    super(
        "another ingest instance with transactional id "
            + transactionalId
            + " took over; this one stops",
        cause);
  }
}
