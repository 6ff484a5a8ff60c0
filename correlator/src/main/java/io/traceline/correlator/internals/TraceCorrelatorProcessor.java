package io.traceline.correlator.internals;

import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.assemble.TimelineAssembler;
import io.traceline.correlator.internals.TraceState.Phase;
import io.traceline.model.Alert;
import io.traceline.model.EventHeader;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.TimelineStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers the events of each trace in RocksDB stores and emits its timeline when the trace goes
 * quiet. Moves data between the stores and {@link TimelineAssembler}; holds no trace on the heap.
 *
 * <p>Each timeline goes to the timelines sink; a flagged one also, as an {@link Alert}, to the
 * alerts sink; the calls of a first revision, grouped by edge, to the edge-calls sink (the
 * service-edge aggregation reads them, keyed by edge).
 *
 * <p>Stores: {@code trace-events} (trace id + event id -> event as {@link StoredEvents} keeps it,
 * or a one-byte marker for an event beyond the bounds; the key dedupes redeliveries), {@code
 * trace-meta} (trace id -> {@link TraceState}) and {@code trace-deadlines} (due time + trace id ->
 * marker, one entry per trace, scanned in time order). A trace is closed when the {@link
 * CorrelatorClock} passes its due time, kept for the grace period so that late events re-open it as
 * the next revision, then purged to a tombstone that recognises still later events (routed to the
 * DLQ as {@code too-late}), then forgotten. Each timeline is flagged against its route's learned
 * baseline before it is emitted, and the first emission of a complete trace is learned ({@link
 * BaselineStore}, {@code trace-baselines}).
 *
 * <p>Bad input never throws: it is routed to the DLQ with its reason. A trace that cannot be
 * assembled is routed to the DLQ too, so a punctuation never fails the stream thread.
 */
public final class TraceCorrelatorProcessor implements Processor<String, byte[], String, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(TraceCorrelatorProcessor.class);
  private static final byte[] MARKER = {1};
  private static final int MAX_DUE_PER_PASS = 10_000;
  private static final int MAX_DEAD_TRACE_BYTES = 512 * 1024;
  private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

  private final CorrelatorSettings settings;
  private final String timelinesSink;
  private final String alertsSink;
  private final String edgeCallsSink;
  private final String dlqSink;
  private final CorrelatorMetrics metrics;
  private final TimelineAssembler assembler;
  private final BaselineStore baselines;
  private CorrelatorClock clock;

  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> events;
  private KeyValueStore<String, byte[]> meta;
  private KeyValueStore<Bytes, byte[]> deadlines;
  private long nextCheckAt = Long.MIN_VALUE;
  private String task;
  private AtomicLong openTracesGauge;
  private long openTraces;
  private boolean openTracesCounted;

  /**
   * @param timelinesSink child node of every timeline
   * @param alertsSink child node of the {@link Alert} of each flagged timeline
   * @param edgeCallsSink child node of the calls of each first revision, grouped by edge
   * @param dlqSink child node of rejected records
   */
  public TraceCorrelatorProcessor(
      CorrelatorSettings settings,
      String timelinesSink,
      String alertsSink,
      String edgeCallsSink,
      String dlqSink,
      CorrelatorMetrics metrics) {
    this.settings = settings;
    this.timelinesSink = timelinesSink;
    this.alertsSink = alertsSink;
    this.edgeCallsSink = edgeCallsSink;
    this.dlqSink = dlqSink;
    this.metrics = metrics;
    this.assembler =
        new TimelineAssembler(
            settings.sloThresholdMs(), settings.slowQueryMs(), settings.maxTimelineEvents());
    this.baselines = new BaselineStore(settings, metrics);
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.events = context.getStateStore(StoreNames.EVENTS);
    this.meta = context.getStateStore(StoreNames.META);
    this.deadlines = context.getStateStore(StoreNames.DEADLINES);
    this.task = context.taskId().toString();
    baselines.init(context.getStateStore(StoreNames.BASELINES), task);
    this.openTracesGauge = metrics.openTraces(task);
    this.openTracesCounted = false;
    // Streams may init a processor again (a revived task): start from the stores, not the heap.
    this.clock = CorrelatorClock.restoredFrom(meta, settings, context.currentSystemTimeMs());
    this.nextCheckAt = Long.MIN_VALUE;
    context.schedule(
        settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, new CloseDue());
  }

  @Override
  public void close() {
    baselines.close();
    if (task != null) {
      metrics.removeOpenTraces(task);
    }
  }

  /**
   * Closes and purges what is due by the wall clock, for partitions that went quiet; then shows the
   * number of open traces on the task's gauge.
   */
  private final class CloseDue implements Punctuator {
    @Override
    public void punctuate(long wallTime) {
      countOpenTraces();
      if (clock.started()) {
        long now = clock.save(meta, wallTime);
        closeDue(now);
      }
      openTracesGauge.set(openTraces);
    }
  }

  /**
   * Counts the open traces of {@code trace-meta}, once per init, before the first record or
   * punctuation (so after any restore: Streams initialises a task's processors once its stores are
   * restored); from then on every open, re-open and close keeps the count. A scan of the whole
   * store, closed traces and tombstones included, but reading two bytes of each.
   */
  private void countOpenTraces() {
    if (openTracesCounted) {
      return;
    }
    long open = 0;
    try (KeyValueIterator<String, byte[]> it = meta.all()) {
      while (it.hasNext()) {
        if (TraceState.isOpen(it.next().value)) {
          open++;
        }
      }
    }
    openTraces = open;
    openTracesCounted = true;
    openTracesGauge.set(open);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      deadLetter(record, "empty-value", "a record without a value");
      return;
    }
    StoredEvents.Arriving arriving;
    try {
      arriving = StoredEvents.arriving(record.value(), record.headers());
    } catch (UncheckedIOException e) {
      deadLetter(record, "undecodable-event", String.valueOf(e.getMessage()));
      return;
    }
    EventHeader event = arriving.header();
    if (!event.isKeyed()) {
      deadLetter(record, "unkeyed-event", "event " + event.id() + " has no trace id");
      return;
    }
    if (!event.traceId().equals(record.key())) {
      // Grouping relies on the key: a mis-keyed event may sit in another task than its trace.
      deadLetter(
          record,
          "key-mismatch",
          "key " + record.key() + " but event " + event.id() + " of trace " + event.traceId());
      return;
    }
    long wallNow = context.currentSystemTimeMs();
    long arrival = arrival(event, clock.now(wallNow));
    if (!clock.observe(event.timestamp(), event.ingestedAt(), wallNow)) {
      metrics.eventsFromTheFuture.increment();
    }
    long now = clock.now(wallNow);
    countOpenTraces();
    add(arriving, record, arrival, now);
    if (now >= nextCheckAt) {
      nextCheckAt = now + settings.closeCheckInterval().toMillis();
      closeDue(now);
    }
  }

  /**
   * When the event reached the pipeline on the correlator's clock: the clock before it, or its own
   * time if later, but not past its ingestion (a host clock running ahead must not close its own
   * trace). Live, the wall clock would have moved the correlator's clock that far when the event
   * arrived; replayed at full speed, only the event can say it.
   */
  private static long arrival(EventHeader event, long clockBefore) {
    long ingested = event.ingestedAt() > 0 ? event.ingestedAt() : event.timestamp();
    return Math.max(clockBefore, Math.min(event.timestamp(), ingested));
  }

  /**
   * Stores the event. A trace whose deadline had passed when the event arrived is closed first, as
   * the wall clock would have closed it live, and the event re-opens it as the next revision.
   */
  private void add(
      StoredEvents.Arriving arriving, Record<String, byte[]> record, long arrival, long now) {
    EventHeader event = arriving.header();
    String traceId = event.traceId();
    byte[] stateBytes = meta.get(traceId);
    TraceState state = stateBytes == null ? null : TraceState.fromBytes(stateBytes);
    if (state != null && state.phase() == Phase.PURGED) {
      metrics.eventsTooLate.increment();
      deadLetter(
          record,
          "too-late",
          "trace " + traceId + " was emitted (revision " + state.revision() + ") and purged");
      return;
    }
    if (state != null && state.phase() == Phase.OPEN && closeAt(state) <= arrival) {
      deadlines.delete(deadlineKey(state.scheduledAt(), traceId));
      close(traceId, state, ageAt(state) < quietAt(state), now);
      baselines.learnKept(now);
      state = TraceState.fromBytes(meta.get(traceId));
    }
    String eventKey = eventKey(traceId, event.id());
    if (events.get(eventKey) != null) {
      metrics.eventsDuplicate.increment();
      return;
    }
    long due = now + settings.inactivityGap().toMillis();
    if (state == null) {
      state = TraceState.opened(now, due);
      deadlines.put(deadlineKey(due, traceId), MARKER);
      openTraces++;
    } else if (state.phase() == Phase.CLOSED) {
      metrics.eventsReopening.increment();
      openTraces++;
      deadlines.delete(deadlineKey(state.scheduledAt(), traceId));
      deadlines.put(deadlineKey(due, traceId), MARKER);
      state = state.reopened(now, due);
    }
    int length = arriving.length();
    boolean stored =
        state.storedCount() < settings.maxEventsPerTrace()
            && state.storedBytes() + length <= settings.maxBytesPerTrace();
    boolean marked = !stored && state.markedCount() < settings.maxEventsPerTrace();
    if (stored) {
      events.put(eventKey, arriving.stored());
      metrics.eventsNew.increment();
    } else {
      if (marked) {
        // Remembered by id only: a redelivery is still recognised.
        events.put(eventKey, StoredEvents.BEYOND_BOUNDS);
      }
      metrics.eventsBeyondBounds.increment();
    }
    meta.put(traceId, state.withEvent(now, stored, marked, length).toBytes());
  }

  /** Acts on every deadline entry at or before {@code now}; one trace's failure stops nothing. */
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
    baselines.learnKept(now);
  }

  private void onDeadline(String traceId, TraceState state, long now) {
    switch (state.phase()) {
      case PURGED -> {
        long forgetAt = state.closedAt() + settings.tombstoneRetention().toMillis();
        if (forgetAt > now) {
          reschedule(traceId, state, forgetAt);
        } else {
          meta.delete(traceId);
        }
      }
      case CLOSED -> {
        long purgeAt = state.closedAt() + settings.grace().toMillis();
        if (purgeAt > now) {
          reschedule(traceId, state, purgeAt);
        } else {
          purge(traceId, state, now);
        }
      }
      case OPEN -> {
        if (closeAt(state) > now) {
          reschedule(traceId, state, closeAt(state));
        } else {
          close(traceId, state, ageAt(state) < quietAt(state), now);
        }
      }
    }
  }

  /** When an open trace has been quiet for the inactivity gap. */
  private long quietAt(TraceState state) {
    return state.lastSeen() + settings.inactivityGap().toMillis();
  }

  /** When an open trace reaches the maximum age. */
  private long ageAt(TraceState state) {
    return state.openedAt() + settings.maxTraceAge().toMillis();
  }

  /** When an open trace closes, whichever comes first. */
  private long closeAt(TraceState state) {
    return Math.min(quietAt(state), ageAt(state));
  }

  /** Emits an open trace's timeline; it is closed from here on, whatever the outcome. */
  private void close(String traceId, TraceState state, boolean byAge, long now) {
    openTraces--;
    int revision = state.revision() + 1;
    TimelineStatus status = status(state, byAge);
    List<LogEvent> stored = new ArrayList<>();
    try {
      IdentityHashMap<LogEvent, byte[]> canonical = new IdentityHashMap<>();
      stored = storedEvents(traceId, canonical, now);
      if (stored.isEmpty()) {
        // Every stored event went to the DLQ: nothing to emit, and no revision is used up.
        reschedule(traceId, state.closed(now, state.revision()), now + settings.grace().toMillis());
        return;
      }
      Timeline timeline = assembler.assemble(traceId, revision, status, stored, state.eventCount());
      timeline = baselines.flagAndLearn(timeline, now);
      byte[] json = Json.writeTimeline(timeline, canonical);
      context.forward(new Record<>(traceId, json, now), timelinesSink);
      metrics.timeline(status);
      for (Flag flag : timeline.flags()) {
        metrics.flag(flag.type());
      }
      forwardAlertAndCalls(timeline, now);
    } catch (RuntimeException e) {
      LOG.error("trace {} cannot be assembled; routed to the DLQ", traceId, e);
      deadTrace(traceId, stored, e, now);
    }
    reschedule(traceId, state.closed(now, revision), now + settings.grace().toMillis());
  }

  /**
   * The alert of a flagged timeline, and the calls of a first revision for the service-edge
   * aggregates (a revision repeats the calls already counted, so it adds none).
   */
  private void forwardAlertAndCalls(Timeline timeline, long now) {
    Alert alert = Alert.of(timeline);
    if (alert != null) {
      context.forward(new Record<>(timeline.traceId(), Json.writeAlert(alert), now), alertsSink);
      metrics.alerts.increment();
    }
    if (timeline.revision() == 1) {
      for (EdgeCalls calls : EdgeCalls.of(timeline)) {
        context.forward(new Record<>(calls.key(), calls.toJson(), now), edgeCallsSink);
      }
    }
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

  /**
   * The events stored in full (markers of events beyond the bounds are skipped); those kept in the
   * writer's current form go into {@code canonical} with their JSON, for the timeline to copy. A
   * stored value that does not decode (not a valid event in full, or written by an older version)
   * goes to the DLQ on its own.
   */
  private List<LogEvent> storedEvents(
      String traceId, IdentityHashMap<LogEvent, byte[]> canonical, long now) {
    List<LogEvent> stored = new ArrayList<>();
    List<KeyValue<String, byte[]>> undecodable = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = events.prefixScan(traceId + ":", KEY_SERIALIZER)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        if (!StoredEvents.isEvent(entry.value)) {
          continue;
        }
        try {
          StoredEvents.Kept kept = StoredEvents.decode(entry.value);
          LogEvent event = kept.event();
          if (!entry.key.equals(eventKey(traceId, event.id()))) {
            // The header read on arrival and the whole event disagree (a repeated field).
            throw new UncheckedIOException(
                new IOException(
                    "stored as "
                        + entry.key
                        + " but holds event "
                        + event.id()
                        + " of trace "
                        + event.traceId()));
          }
          stored.add(event);
          if (kept.canonical() != null) {
            canonical.put(event, kept.canonical());
          }
        } catch (UncheckedIOException e) {
          undecodable.add(entry);
          reasons.add(String.valueOf(e.getMessage()));
        }
      }
    }
    for (int i = 0; i < undecodable.size(); i++) {
      KeyValue<String, byte[]> entry = undecodable.get(i);
      metrics.deadLetter("undecodable-stored-event");
      // No source metadata: the event came long before whatever record is being processed now.
      context.forward(
          DeadLetterRecords.of(
              new Record<>(traceId, StoredEvents.json(entry.value), now),
              "undecodable-stored-event",
              "a stored event of trace " + traceId + " does not decode: " + reasons.get(i),
              settings.inputTopic(),
              Optional.empty()),
          dlqSink);
      // Remembered by id only from now on: a revision does not send it to the DLQ again.
      events.put(entry.key, StoredEvents.BEYOND_BOUNDS);
    }
    return stored;
  }

  /** Deletes the trace's events and keeps a tombstone until the retention has passed. */
  private void purge(String traceId, TraceState state, long now) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = events.prefixScan(traceId + ":", KEY_SERIALIZER)) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    keys.forEach(events::delete);
    if (settings.tombstoneRetention().isZero()) {
      meta.delete(traceId);
    } else {
      reschedule(traceId, state.purged(now), now + settings.tombstoneRetention().toMillis());
    }
  }

  /** A trace the assembler rejected: its events go to the DLQ as JSON lines (bounded). */
  private void deadTrace(String traceId, List<LogEvent> stored, RuntimeException e, long now) {
    metrics.deadLetter("unassemblable-trace");
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    boolean cut = false;
    for (LogEvent event : stored) {
      byte[] json = Json.writeEvent(event);
      if (lines.size() + json.length + 1 > MAX_DEAD_TRACE_BYTES) {
        cut = true;
        break;
      }
      lines.write(json, 0, json.length);
      lines.write('\n');
    }
    Headers headers =
        DeadLetterRecords.headers(
            new RecordHeaders(), "unassemblable-trace", e + (cut ? " (events cut)" : ""));
    context.forward(new Record<>(traceId, lines.toByteArray(), now, headers), dlqSink);
  }

  private void deadLetter(Record<String, byte[]> record, String reason, String detail) {
    metrics.deadLetter(reason);
    context.forward(
        DeadLetterRecords.of(
            record, reason, detail, settings.inputTopic(), context.recordMetadata()),
        dlqSink);
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
