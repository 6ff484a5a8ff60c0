package io.traceline.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.kinesis.KinesisIngest;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IngestStatusTest {

  @Test
  void reportsWhatMovedSinceTheLastLineAndTheSlowestShard() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    IngestStatus status = new IngestStatus(registry);
    Counter records = Counter.builder(KinesisIngest.RECORDS).register(registry);
    Counter keyed =
        Counter.builder(RecordProcessor.EVENTS).tag("routing", "keyed").register(registry);
    Counter dead =
        Counter.builder(RecordProcessor.RECORDS).tag("outcome", "failed").register(registry);
    AtomicLong behindA = new AtomicLong(1200);
    AtomicLong behindB = new AtomicLong(300);
    Gauge.builder(KinesisIngest.MILLIS_BEHIND, behindA, AtomicLong::get)
        .tag("shard", "a")
        .register(registry);
    Gauge.builder(KinesisIngest.MILLIS_BEHIND, behindB, AtomicLong::get)
        .tag("shard", "b")
        .register(registry);
    Gauge.builder(KinesisIngest.SHARDS, () -> 2).register(registry);

    records.increment(10);
    keyed.increment(400);
    dead.increment();
    assertThat(status.sinceLast())
        .isEqualTo(
            "ingest: 10 records, 400 events, 1 dead letters, 0 aborted transactions in the last"
                + " interval; 2 shards, the slowest 1200 ms behind");

    records.increment(3);
    keyed.increment(30);
    behindA.set(0);
    assertThat(status.sinceLast())
        .isEqualTo(
            "ingest: 3 records, 30 events, 0 dead letters, 0 aborted transactions in the last"
                + " interval; 2 shards, the slowest 300 ms behind");
  }
}
