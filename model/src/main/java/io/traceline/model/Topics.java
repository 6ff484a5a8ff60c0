package io.traceline.model;

/** The Kafka topics of the pipeline, part of the contract: their names never change silently. */
public final class Topics {

  /** Keyed by canonical trace id; value: {@link LogEvent} JSON. */
  public static final String EVENTS = "traceline.events";

  /**
   * Events without a trace id (yet); keyed by log stream ({@code logGroup|logStream}, {@link
   * RequestLink#streamKey}); value: {@link LogEvent} JSON.
   */
  public static final String UNKEYED = "traceline.unkeyed";

  /**
   * What ingest learned in one message about a request: request id to trace id, for one log stream.
   * Keyed like {@link #UNKEYED} ({@code logGroup|logStream}, {@link RequestLink#streamKey()}) and
   * created with the same partition count, so that a log stream's links and unkeyed events meet in
   * the same correlator task; value: {@link RequestLink} JSON.
   */
  public static final String REQUEST_LINKS = "traceline.request-links";

  /** Undecodable or rejected input with the reason in headers ({@link DeadLetters}). */
  public static final String DLQ = "traceline.dlq";

  /** Keyed by trace id; value: {@link Timeline} JSON, revisioned. */
  public static final String TIMELINES = "traceline.timelines";

  /** Keyed by trace id; value: {@link Alert} JSON, for flagged timelines only. */
  public static final String ALERTS = "traceline.alerts";

  /**
   * Compacted: key {@code prefix/stream/shardId}, value the shard's last ingested Kinesis sequence
   * number (or its end). Written by ingest in the same transaction as the events of those records.
   */
  public static final String INGEST_CHECKPOINTS = "traceline.ingest.checkpoints";

  /**
   * Caller to callee aggregates per minute; key {@link ServiceEdgeStats#key()}, value {@link
   * ServiceEdgeStats} JSON, revisioned.
   */
  public static final String SERVICE_EDGES = "traceline.service-edges";

  /**
   * The correlator's own repartition topic: the calls of each emitted timeline, keyed by edge
   * ({@code from -> to}), so that one task aggregates each edge. Not a public contract.
   */
  public static final String EDGE_CALLS = "traceline.edge-calls";

  private Topics() {}
}
