package io.traceline.correlator.internals;

import io.traceline.correlator.CorrelatorSettings;
import io.traceline.model.Json;
import io.traceline.model.ServiceEdgeStats;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Aggregates the calls of each edge ({@code from -> to}) per minute of their start and writes
 * {@link ServiceEdgeStats} to {@code traceline.service-edges}.
 *
 * <p>Calls arrive when their trace's timeline is first emitted, which is at least the inactivity
 * gap after the call. A minute is first emitted once the aggregator's clock (the emission times of
 * the timelines it received, moved on by the wall clock while quiet: a {@link CorrelatorClock}) is
 * past the minute's end plus the inactivity gap and the close-check interval; calls of traces that
 * closed later update it (the next revision, emitted at the next check). A minute is dropped once
 * no trace that started in it can still be open: its end plus the maximum trace age and the
 * inactivity gap; calls for it after that are counted ({@code
 * traceline.correlator.edges.calls{outcome=late}}) and stay only in their timeline.
 *
 * <p>Store {@code edge-windows}: minute (15 digits) + "|" + edge -> {@link EdgeWindow}; string
 * order is time order, so the due minutes are a range scan. Bad input goes to the DLQ.
 */
public final class EdgeAggregatorProcessor implements Processor<String, byte[], String, byte[]> {

  private static final int MAX_DUE_PER_PASS = 10_000;

  private final CorrelatorSettings settings;
  private final String edgesSink;
  private final String dlqSink;
  private final CorrelatorMetrics metrics;
  private final long settle;
  private final long retention;

  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> windows;
  private CorrelatorClock clock;
  private long nextCheckAt = Long.MIN_VALUE;

  public EdgeAggregatorProcessor(
      CorrelatorSettings settings, String edgesSink, String dlqSink, CorrelatorMetrics metrics) {
    this.settings = settings;
    this.edgesSink = edgesSink;
    this.dlqSink = dlqSink;
    this.metrics = metrics;
    this.settle =
        ServiceEdgeStats.MINUTE_MS
            + settings.inactivityGap().toMillis()
            + settings.closeCheckInterval().toMillis();
    this.retention =
        ServiceEdgeStats.MINUTE_MS
            + settings.maxTraceAge().toMillis()
            + settings.inactivityGap().toMillis()
            + settings.closeCheckInterval().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.windows = context.getStateStore(StoreNames.EDGE_WINDOWS);
    this.clock = CorrelatorClock.restoredFrom(windows, settings, context.currentSystemTimeMs());
    this.nextCheckAt = Long.MIN_VALUE;
    context.schedule(settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, new Check());
  }

  /** Emits and drops what is due by the wall clock, for partitions that went quiet. */
  private final class Check implements Punctuator {
    @Override
    public void punctuate(long wallTime) {
      if (clock.started()) {
        emitDue(clock.save(windows, wallTime));
      }
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    EdgeCalls calls;
    try {
      if (record.value() == null) {
        throw new UncheckedIOException(new java.io.IOException("a record without a value"));
      }
      calls = EdgeCalls.fromJson(record.value());
    } catch (UncheckedIOException e) {
      deadLetter(record, "undecodable-edge-calls", String.valueOf(e.getMessage()));
      return;
    }
    long wallNow = context.currentSystemTimeMs();
    clock.observe(record.timestamp(), 0, wallNow);
    long now = clock.now(wallNow);
    for (EdgeCalls.Call call : calls.calls()) {
      long minute =
          Math.floorDiv(call.startTime(), ServiceEdgeStats.MINUTE_MS) * ServiceEdgeStats.MINUTE_MS;
      if (minute + retention <= now) {
        metrics.edgeCallsLate.increment();
        continue;
      }
      String key = windowKey(minute, calls.key());
      byte[] stored = windows.get(key);
      EdgeWindow window = stored == null ? EdgeWindow.empty() : decodeOrEmpty(stored);
      window.add(call);
      windows.put(key, window.toBytes());
      metrics.edgeCallsAggregated.increment();
    }
    if (now >= nextCheckAt) {
      nextCheckAt = now + settings.closeCheckInterval().toMillis();
      emitDue(now);
    }
  }

  /** Emits every settled minute with new calls and drops the minutes past retention. */
  private void emitDue(long now) {
    List<KeyValue<String, byte[]>> due = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        windows.range(windowKey(0, ""), windowKey(Math.max(0, now - settle), "\uffff"))) {
      // Only windows with new calls or past retention need work; the others (emitted, unchanged)
      // are passed over, so that many of them cannot hold back the ones behind them.
      while (it.hasNext() && due.size() < MAX_DUE_PER_PASS) {
        KeyValue<String, byte[]> entry = it.next();
        if (minuteOf(entry.key) + retention <= now || EdgeWindow.changedSinceEmitted(entry.value)) {
          due.add(entry);
        }
      }
    }
    for (KeyValue<String, byte[]> entry : due) {
      long minute = minuteOf(entry.key);
      EdgeWindow window;
      try {
        window = EdgeWindow.fromBytes(entry.value);
      } catch (IllegalArgumentException e) {
        metrics.deadLetter("undecodable-edge-window"); // counted and dropped: nothing to emit
        windows.delete(entry.key);
        continue;
      }
      boolean emitted = window.changed();
      if (emitted) {
        String edge = entry.key.substring(16);
        int arrow = edge.indexOf(" -> ");
        ServiceEdgeStats stats =
            window.emit(minute, edge.substring(0, arrow), edge.substring(arrow + 4));
        context.forward(new Record<>(stats.key(), Json.writeEdgeStats(stats), now), edgesSink);
        metrics.edgeAggregatesEmitted.increment();
      }
      if (minute + retention <= now) {
        windows.delete(entry.key);
      } else if (emitted) {
        windows.put(entry.key, window.toBytes());
      }
    }
  }

  private EdgeWindow decodeOrEmpty(byte[] stored) {
    try {
      return EdgeWindow.fromBytes(stored);
    } catch (IllegalArgumentException e) {
      metrics.deadLetter("undecodable-edge-window");
      return EdgeWindow.empty();
    }
  }

  private void deadLetter(Record<String, byte[]> record, String reason, String detail) {
    metrics.deadLetter(reason);
    context.forward(
        DeadLetterRecords.of(
            record, reason, detail, settings.edgeCallsTopic(), context.recordMetadata()),
        dlqSink);
  }

  static String windowKey(long minute, String edge) {
    return String.format(Locale.ROOT, "%015d|%s", minute, edge);
  }

  private static long minuteOf(String windowKey) {
    return Long.parseLong(windowKey.substring(0, 15));
  }
}
