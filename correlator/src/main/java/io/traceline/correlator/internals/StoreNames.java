package io.traceline.correlator.internals;

/**
 * Names of the correlator's state stores. FROZEN: a store's name is its changelog topic's name and
 * its RocksDB directory; renaming one loses every open trace in production. The golden test of
 * {@code topology.describe()} fails on any rename.
 */
public final class StoreNames {

  /** trace id + ":" + event id -> event JSON. */
  public static final String EVENTS = "trace-events";

  /** trace id -> trace state (counts, times, revision, deadline). */
  public static final String META = "trace-meta";

  /** due time + trace id -> marker; one entry per trace. */
  public static final String DEADLINES = "trace-deadlines";

  /**
   * Request stitching: log stream + NUL + request id -> expiry time + request link JSON; also the
   * stitcher's saved clock.
   */
  public static final String STITCH_LINKS = "stitch-links";

  /**
   * Request stitching: log stream + NUL + request id (empty for a request-less INIT line) + NUL +
   * event id -> expiry time + unkeyed event JSON.
   */
  public static final String STITCH_PENDING = "stitch-pending";

  /** Request stitching: log stream + NUL + START time + request id -> expiry time. */
  public static final String STITCH_STARTS = "stitch-starts";

  /** Request stitching: expiry time + kind + key of one of the three stores above -> marker. */
  public static final String STITCH_EXPIRY = "stitch-expiry";

  /**
   * Service-edge aggregation: minute (15 zero-padded digits) + "|" + edge -> the minute's counts,
   * sketch and emitted revision; also the aggregator's saved clock.
   */
  public static final String EDGE_WINDOWS = "edge-windows";

  /**
   * Learned baselines ({@link BaselineStore}): {@code 'b'} + route + bucket -> the route's stats in
   * that bucket; {@code 'x'} + bucket + route -> marker (the expiry index); {@code 'r'} + route ->
   * the route's newest bucket and its hop count (the route registry).
   */
  public static final String BASELINES = "trace-baselines";

  private StoreNames() {}
}
