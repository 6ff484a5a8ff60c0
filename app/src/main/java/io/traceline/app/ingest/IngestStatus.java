package io.traceline.app.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.kinesis.KinesisIngest;

/**
 * The one-line status {@code traceline ingest} logs every minute, from the stage's meters: what was
 * moved since the last line, how far the slowest shard is behind, and what went wrong. Not
 * thread-safe: one caller.
 */
final class IngestStatus {

  private final MeterRegistry registry;
  private double records;
  private double events;
  private double deadLetters;
  private double aborted;

  IngestStatus(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The line for the time since the previous call. */
  String sinceLast() {
    double recordsNow = count(KinesisIngest.RECORDS, null, null);
    double eventsNow =
        count(RecordProcessor.EVENTS, "routing", "keyed")
            + count(RecordProcessor.EVENTS, "routing", "unkeyed");
    double deadNow =
        count(RecordProcessor.EVENTS, "routing", "dead-letter")
            + count(RecordProcessor.RECORDS, "outcome", "failed");
    double abortedNow = count(KinesisIngest.TRANSACTIONS, "outcome", "aborted");
    double behind = 0;
    for (Gauge gauge : registry.find(KinesisIngest.MILLIS_BEHIND).gauges()) {
      behind = Math.max(behind, gauge.value());
    }
    Gauge shards = registry.find(KinesisIngest.SHARDS).gauge();
    String line =
        String.format(
            java.util.Locale.ROOT,
            "ingest: %.0f records, %.0f events, %.0f dead letters, %.0f aborted transactions in the"
                + " last interval; %.0f shards, the slowest %.0f ms behind",
            recordsNow - records,
            eventsNow - events,
            deadNow - deadLetters,
            abortedNow - aborted,
            shards == null ? 0 : shards.value(),
            behind);
    records = recordsNow;
    events = eventsNow;
    deadLetters = deadNow;
    aborted = abortedNow;
    return line;
  }

  private double count(String name, String tag, String value) {
    var search = registry.find(name);
    if (tag != null) {
      search = search.tag(tag, value);
    }
    double sum = 0;
    for (Counter counter : search.counters()) {
      sum += counter.count();
    }
    return sum;
  }
}
