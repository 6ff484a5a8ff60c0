package io.traceline.model;

/**
 * Header names of records on {@link Topics#DLQ}. A dead letter keeps the original bytes as its
 * value and says in headers why it was rejected and where it came from.
 */
public final class DeadLetters {

  /** Machine-readable reason, lower case with dashes (also the counter's {@code reason} tag). */
  public static final String REASON = "traceline.dlq.reason";

  /** Human-readable detail (exception message, offending field), at most 1 KiB. */
  public static final String DETAIL = "traceline.dlq.detail";

  /** The stage that rejected the record: {@code ingest}, {@code correlator}, {@code sink}. */
  public static final String STAGE = "traceline.dlq.stage";

  /** Where the record came from: a Kinesis stream, a file, a Kafka topic. */
  public static final String SOURCE = "traceline.source";

  /** The Kinesis shard id, when read from Kinesis. */
  public static final String SHARD = "traceline.source.shard";

  /** The Kinesis sequence number, or the record's position in a file. */
  public static final String SEQUENCE = "traceline.source.sequence";

  /** The Kafka partition the record was read from, when read from Kafka. */
  public static final String PARTITION = "traceline.source.partition";

  /** The Kafka offset the record was read at, when read from Kafka. */
  public static final String OFFSET = "traceline.source.offset";

  /** The original size in bytes of a payload that was cut to fit the DLQ. */
  public static final String PAYLOAD_SIZE = "traceline.dlq.payload.size";

  /** SHA-256 (hex) of the original payload of a cut dead letter. */
  public static final String PAYLOAD_SHA256 = "traceline.dlq.payload.sha256";

  private DeadLetters() {}
}
