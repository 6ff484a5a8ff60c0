package io.traceline.correlator.internals;

import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.assemble.TimelineAssembler;
import io.traceline.model.DeadLetters;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.TimelineStatus;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Buffers the events of each trace in RocksDB stores and emits its timeline when the trace goes
 * quiet. Moves data between the stores and {@link TimelineAssembler}; holds no trace on the heap.
 *
 * <p>Stores: {@code trace-events} (trace id + event id -> event; the key dedupes redeliveries),
 * {@code trace-meta} (trace id -> {@link TraceState}) and {@code trace-deadlines} (due time + trace
 * id -> marker, one entry per trace, scanned in time order). A trace is closed when the {@link
 * CorrelatorClock} passes its due time, kept for the grace period so that late events re-open it as
 * the next revision, then purged.
 */
public final class TraceCorrelatorProcessor implements Processor<String, byte[], String, byte[]> {

  private static final String CLOCK_KEY = "~clock";
  private static final byte[] MARKER = {1};
  private static final int MAX_DUE_PER_PASS = 10_000;
  private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

  private final CorrelatorSettings settings;
  private final String timelinesSink;
  private final String dlqSink;
  private final CorrelatorMetrics metrics;
  private final TimelineAssembler assembler;
  private final CorrelatorClock clock = new CorrelatorClock();

  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> events;
  private KeyValueStore<String, byte[]> meta;
  private KeyValueStore<Bytes, byte[]> deadlines;
  private long nextCheckAt = Long.MIN_VALUE;

  public TraceCorrelatorProcessor(
      CorrelatorSettings settings,
      String timelinesSink,
      String dlqSink,
      CorrelatorMetrics metrics) {
    this.settings = settings;
    this.timelinesSink = timelinesSink;
    this.dlqSink = dlqSink;
    this.metrics = metrics;
    this.assembler =
        new TimelineAssembler(
            settings.sloThresholdMs(), settings.slowQueryMs(), settings.maxTimelineEvents());
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.events = context.getStateStore(StoreNames.EVENTS);
    this.meta = context.getStateStore(StoreNames.META);
    this.deadlines = context.getStateStore(StoreNames.DEADLINES);
    byte[] saved = meta.get(CLOCK_KEY);
    if (saved != null) {
      clock.restore(ByteBuffer.wrap(saved).getLong(), context.currentSystemTimeMs());
    }
    context.schedule(
        settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, new CloseDue());
  }

  /** Closes and purges what is due by the wall clock, for partitions that went quiet. */
  private final class CloseDue implements org.apache.kafka.streams.processor.Punctuator {
    @Override
    public void punctuate(long wallTime) {
      if (clock.started()) {
        meta.put(CLOCK_KEY, ByteBuffer.allocate(8).putLong(clock.streamTime()).array());
        closeDue(clock.now(wallTime));
      }
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      deadLetter(record, "empty-value", "a record without a value");
      return;
    }
    LogEvent event;
    try {
      event = Json.readEvent(record.value());
    } catch (UncheckedIOException e) {
      deadLetter(record, "undecodable-event", String.valueOf(e.getMessage()));
      return;
    }
    if (!event.isKeyed()) {
      deadLetter(record, "unkeyed-event", "event " + event.id() + " has no trace id");
      return;
    }
    long wallNow = context.currentSystemTimeMs();
    clock.observe(event.timestamp(), wallNow);
    long now = clock.now(wallNow);
    add(event, record.value(), now);
    if (now >= nextCheckAt) {
      nextCheckAt = now + settings.closeCheckInterval().toMillis();
      closeDue(now);
    }
  }

  private void add(LogEvent event, byte[] bytes, long now) {
    String traceId = event.traceId();
    String eventKey = eventKey(traceId, event.id());
    if (events.get(eventKey) != null) {
      metrics.eventsDuplicate.increment();
      return;
    }
    byte[] stateBytes = meta.get(traceId);
    TraceState state;
    if (stateBytes == null) {
      long due = now + settings.inactivityGap().toMillis();
      state = TraceState.opened(now, event.timestamp(), due);
      deadlines.put(deadlineKey(due, traceId), MARKER);
    } else {
      state = TraceState.fromBytes(stateBytes);
      if (state.closed()) {
        metrics.eventsReopening.increment();
        long due = now + settings.inactivityGap().toMillis();
        deadlines.delete(deadlineKey(state.scheduledAt(), traceId));
        deadlines.put(deadlineKey(due, traceId), MARKER);
        state = state.scheduled(due);
      }
    }
    boolean fits =
        state.storedCount() < settings.maxEventsPerTrace()
            && state.storedBytes() + bytes.length <= settings.maxBytesPerTrace();
    if (fits) {
      events.put(eventKey, bytes);
      metrics.eventsNew.increment();
    } else {
      metrics.eventsBeyondBounds.increment();
    }
    meta.put(traceId, state.withEvent(now, event.timestamp(), fits, bytes.length).toBytes());
  }

  /** Acts on every deadline entry at or before {@code now}. */
  private void closeDue(long now) {
    List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        deadlines.range(deadlineKey(Long.MIN_VALUE, ""), deadlineKey(now, "~"))) {
      while (it.hasNext() && due.size() < MAX_DUE_PER_PASS) {
        due.add(it.next());
      }
    }
    for (KeyValue<Bytes, byte[]> entry : due) {
      deadlines.delete(entry.key);
      String traceId = traceIdOf(entry.key);
      byte[] stateBytes = meta.get(traceId);
      if (stateBytes != null) {
        onDeadline(traceId, TraceState.fromBytes(stateBytes), now);
      }
    }
  }

  private void onDeadline(String traceId, TraceState state, long now) {
    if (state.closed()) {
      long purgeAt = state.closedAt() + settings.grace().toMillis();
      if (purgeAt > now) {
        reschedule(traceId, state, purgeAt);
      } else {
        purge(traceId);
      }
      return;
    }
    long quietAt =
        Math.max(state.lastSeen(), state.lastEventTime()) + settings.inactivityGap().toMillis();
    long ageAt = state.firstSeen() + settings.maxTraceAge().toMillis();
    long closeAt = Math.min(quietAt, ageAt);
    if (closeAt > now) {
      reschedule(traceId, state, closeAt);
      return;
    }
    TimelineStatus status = status(state, ageAt < quietAt);
    emit(traceId, state.revision() + 1, status, state.eventCount(), now);
    TraceState closed = state.emitted(now);
    reschedule(traceId, closed, now + settings.grace().toMillis());
  }

  private static TimelineStatus status(TraceState state, boolean byAge) {
    if (state.truncated()) {
      return TimelineStatus.TRUNCATED;
    }
    if (byAge) {
      return TimelineStatus.TIMED_OUT;
    }
    return state.revision() > 0 ? TimelineStatus.REVISED : TimelineStatus.COMPLETE;
  }

  private void reschedule(String traceId, TraceState state, long at) {
    deadlines.put(deadlineKey(at, traceId), MARKER);
    meta.put(traceId, state.scheduled(at).toBytes());
  }

  private void emit(String traceId, int revision, TimelineStatus status, int eventCount, long now) {
    List<LogEvent> stored = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = events.prefixScan(traceId + ":", KEY_SERIALIZER)) {
      while (it.hasNext()) {
        stored.add(Json.readEvent(it.next().value));
      }
    }
    if (stored.isEmpty()) {
      return;
    }
    Timeline timeline = assembler.assemble(traceId, revision, status, stored, eventCount);
    context.forward(new Record<>(traceId, Json.writeTimeline(timeline), now), timelinesSink);
    metrics.timeline(status);
  }

  private void purge(String traceId) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = events.prefixScan(traceId + ":", KEY_SERIALIZER)) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    keys.forEach(events::delete);
    meta.delete(traceId);
  }

  private void deadLetter(Record<String, byte[]> record, String reason, String detail) {
    metrics.deadLetter(reason);
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(DeadLetters.REASON, reason.getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetters.DETAIL, truncate(detail).getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetters.STAGE, "correlator".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetters.SOURCE, settings.inputTopic().getBytes(StandardCharsets.UTF_8));
    context.forward(
        new Record<>(record.key(), record.value(), record.timestamp(), headers), dlqSink);
  }

  private static String truncate(String detail) {
    return detail.length() > 1024 ? detail.substring(0, 1024) : detail;
  }

  static String eventKey(String traceId, String eventId) {
    return traceId + ":" + eventId;
  }

  /** Due time (8 bytes, big-endian, sign bit flipped so that byte order is time order) + id. */
  static Bytes deadlineKey(long at, String traceId) {
    byte[] id = traceId.getBytes(StandardCharsets.US_ASCII);
    return Bytes.wrap(
        ByteBuffer.allocate(8 + id.length).putLong(at ^ Long.MIN_VALUE).put(id).array());
  }

  static String traceIdOf(Bytes deadlineKey) {
    byte[] key = deadlineKey.get();
    return new String(key, 8, key.length - 8, StandardCharsets.US_ASCII);
  }
}
