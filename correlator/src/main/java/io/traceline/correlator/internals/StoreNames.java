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

  private StoreNames() {}
}
