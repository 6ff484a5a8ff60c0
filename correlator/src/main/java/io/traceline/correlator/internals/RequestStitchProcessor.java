package io.traceline.correlator.internals;

import io.traceline.correlator.CorrelatorSettings;
import io.traceline.model.EventKind;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Gives trace ids to unkeyed events from the request links that ingest published for the same log
 * stream, possibly from another Kinesis shard read by another ingest instance. Both topics are
 * keyed by {@code logGroup|logStream}, so one task sees a stream's events and links.
 *
 * <ul>
 *   <li>An unkeyed event with a request id (not an access log, whose id is API Gateway's own) takes
 *       the trace of the link of that request in its stream. A request-less INIT line takes the
 *       request id and trace of the first START at or after it in its stream only when that START
 *       provably ended the line's init phase: its request is a cold start whose {@code Init
 *       Duration} (from a link, or from its unkeyed REPORT) puts the line inside the phase ({@link
 *       RequestLink#isDuringInit}). Until then the line waits: the first START known may be a later
 *       invocation's, whose message simply came first. Resolved events are written to the events
 *       topic, keyed by their trace, with {@code traceFrom=correlator}; the trace correlator takes
 *       them from there (a late one re-opens a closed trace as the next revision).
 *   <li>What cannot be resolved yet waits in {@code stitch-pending} for {@code stitchHorizon} on
 *       the stitcher's clock (event time, moved on by the wall clock while quiet, as the trace
 *       correlator's); links (what several links of a request say is merged: one message may hold
 *       its START, another its REPORT), and the START times learned from links and unkeyed START
 *       lines, are kept as long. Then they are dropped: an expired event is counted as unresolved
 *       and remains in the unkeyed topic, which is where it came from.
 *   <li>Expiry scans the time index {@code stitch-expiry} from its start to now, never the stores.
 *       Index entries are not moved when an entry is refreshed: the stored value carries its own
 *       expiry time and an index entry that no longer matches it is dropped.
 * </ul>
 *
 * <p>Redeliveries are harmless: a pending event is stored once per event id, and an event written
 * twice to the events topic is a duplicate by id there. Bad records go to the DLQ with a reason
 * ({@code undecodable-event}, {@code undecodable-link}, {@code empty-value}, {@code key-mismatch}).
 * Not thread-safe: one instance per task, as Kafka Streams runs processors.
 */
public final class RequestStitchProcessor implements Processor<String, byte[], String, byte[]> {

  /** Attribute value of {@code traceFrom} on the events this processor resolves. */
  public static final String TRACE_FROM_CORRELATOR = "correlator";

  private static final String TRACE_FROM = "traceFrom";
  private static final String REQUEST_ID_FROM = "requestIdFrom";
  private static final char SEP = '\u0000';
  private static final byte PENDING = 'p';
  private static final byte LINK = 'l';
  private static final byte START = 's';
  private static final byte[] MARKER = {1};
  private static final int MAX_EXPIRED_PER_PASS = 10_000;
  private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

  private final CorrelatorSettings settings;
  private final String eventsSink;
  private final String dlqSink;
  private final CorrelatorMetrics metrics;
  private final long horizon;
  private CorrelatorClock clock;
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> links;
  private KeyValueStore<String, byte[]> pending;
  private KeyValueStore<Bytes, byte[]> starts;
  private KeyValueStore<Bytes, byte[]> expiry;
  private long nextCheckAt = Long.MIN_VALUE;

  public RequestStitchProcessor(
      CorrelatorSettings settings, String eventsSink, String dlqSink, CorrelatorMetrics metrics) {
    this.settings = settings;
    this.eventsSink = eventsSink;
    this.dlqSink = dlqSink;
    this.metrics = metrics;
    this.horizon = settings.stitchHorizon().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.links = context.getStateStore(StoreNames.STITCH_LINKS);
    this.pending = context.getStateStore(StoreNames.STITCH_PENDING);
    this.starts = context.getStateStore(StoreNames.STITCH_STARTS);
    this.expiry = context.getStateStore(StoreNames.STITCH_EXPIRY);
    this.clock = CorrelatorClock.restoredFrom(links, settings, context.currentSystemTimeMs());
    this.nextCheckAt = Long.MIN_VALUE;
    context.schedule(
        settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, new ExpireDue());
  }

  /** Drops what expired by the wall clock, for partitions that went quiet. */
  private final class ExpireDue implements Punctuator {
    @Override
    public void punctuate(long wallTime) {
      if (clock.started()) {
        long now = clock.save(links, wallTime);
        expire(now);
      }
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Optional<RecordMetadata> metadata = context.recordMetadata();
    String topic = metadata.map(RecordMetadata::topic).orElse(settings.unkeyedTopic());
    if (record.value() == null) {
      deadLetter(record, topic, "empty-value", "a record without a value");
      return;
    }
    if (topic.equals(settings.requestLinksTopic())) {
      onLink(record, topic);
    } else {
      onUnkeyed(record, topic);
    }
  }

  private void onLink(Record<String, byte[]> record, String topic) {
    RequestLink link;
    try {
      link = Json.readLink(record.value());
    } catch (UncheckedIOException e) {
      deadLetter(record, topic, "undecodable-link", String.valueOf(e.getMessage()));
      return;
    }
    String stream = link.streamKey();
    if (!stream.equals(record.key())) {
      deadLetter(
          record, topic, "key-mismatch", "key " + record.key() + " but a link of stream " + stream);
      return;
    }
    long now = observe(link.timestamp(), link.ingestedAt());
    long due = now + horizon;
    String key = linkKey(stream, link.requestId());
    byte[] old = links.get(key);
    RequestLink kept = link;
    if (old == null) {
      metrics.linksNew.increment();
    } else {
      RequestLink known = storedLink(old);
      if (known == null) {
        metrics.linksNew.increment();
      } else if (!known.traceId().equals(link.traceId())) {
        metrics.linksConflicting.increment(); // the first link of a request wins
        kept = known;
      } else {
        metrics.linksRefreshed.increment();
        kept = link.mergedWith(known); // one message saw the START, another the REPORT
      }
    }
    kept = resolveRequest(stream, kept);
    links.put(key, withDue(due, Json.writeLink(kept)));
    index(due, LINK, utf8(key));
    if (kept.startTime() != null) {
      addStart(stream, kept.startTime(), kept.requestId(), due);
    }
    // Also without a START time: the START may be known from an unkeyed START line.
    resolveInits(stream);
    afterRecord(now);
  }

  private void onUnkeyed(Record<String, byte[]> record, String topic) {
    LogEvent event;
    try {
      event = Json.readEvent(record.value());
    } catch (UncheckedIOException e) {
      deadLetter(record, topic, "undecodable-event", String.valueOf(e.getMessage()));
      return;
    }
    String stream = RequestLink.streamKey(event.logGroup(), event.logStream());
    if (!stream.equals(record.key())) {
      deadLetter(
          record,
          topic,
          "key-mismatch",
          "key " + record.key() + " but event " + event.id() + " of stream " + stream);
      return;
    }
    if (event.requestId() != null && event.requestId().isBlank()) {
      event = event.toBuilder().requestId(null).build(); // nothing to join on
    }
    long now = observe(event.timestamp(), event.ingestedAt());
    long due = now + horizon;
    if (event.isKeyed()) {
      metrics.stitchAlreadyKeyed.increment();
      forward(event);
    } else if (event.requestId() != null && event.kind() != EventKind.ACCESS_LOG) {
      String linkKey = linkKey(stream, event.requestId());
      byte[] stored = links.get(linkKey);
      RequestLink link = storedLink(stored);
      boolean initsMayResolve = event.kind() == EventKind.LAMBDA_START;
      if (link != null) {
        emit(event, link, null);
        metrics.stitchResolvedByRequestId.increment();
        RequestLink completed = withInitPhaseOf(event, link);
        if (!completed.equals(link)) {
          links.put(linkKey, withDue(dueOf(stored), Json.writeLink(completed)));
          initsMayResolve = true;
        }
      } else {
        hold(pendingKey(stream, event.requestId(), event.id()), record.value(), due);
      }
      if (event.kind() == EventKind.LAMBDA_START) {
        addStart(stream, event.timestamp(), event.requestId(), due);
      }
      if (initsMayResolve) {
        resolveInits(stream);
      }
    } else if (event.kind() == EventKind.LAMBDA_INIT) {
      RequestLink next = nextStartLink(stream, event.timestamp());
      if (next != null) {
        emit(event, next, next.requestId());
        metrics.stitchResolvedByNextStart.increment();
      } else {
        hold(pendingKey(stream, "", event.id()), record.value(), due);
      }
    } else {
      metrics.stitchUnresolvable.increment(); // no request id to wait for: it stays unkeyed
    }
    afterRecord(now);
  }

  private long observe(long eventTime, long ingestedAt) {
    long wallNow = context.currentSystemTimeMs();
    if (!clock.observe(eventTime, ingestedAt, wallNow)) {
      metrics.eventsFromTheFuture.increment();
    }
    return clock.now(wallNow);
  }

  private void afterRecord(long now) {
    if (now >= nextCheckAt) {
      nextCheckAt = now + settings.closeCheckInterval().toMillis();
      expire(now);
    }
  }

  private void hold(String key, byte[] eventJson, long due) {
    metrics.stitchPending.increment();
    pending.put(key, withDue(due, eventJson));
    index(due, PENDING, utf8(key));
  }

  /**
   * Writes every event waiting for {@code link}'s request in its stream; returns the link with the
   * init phase of a cold start's REPORT among them, when the link did not know it.
   */
  private RequestLink resolveRequest(String stream, RequestLink link) {
    RequestLink completed = link;
    for (KeyValue<String, byte[]> entry : scan(pendingPrefix(stream, link.requestId()))) {
      pending.delete(entry.key);
      LogEvent event = storedEvent(entry);
      if (event != null) {
        emit(event, link, null);
        metrics.stitchResolvedByRequestId.increment();
        completed = withInitPhaseOf(event, completed);
      }
    }
    return completed;
  }

  /**
   * {@code link} with the {@code Init Duration} of {@code event} when it is the request's REPORT of
   * a cold start and the link does not know it yet (the REPORT had no trace: no link named it).
   */
  private static RequestLink withInitPhaseOf(LogEvent event, RequestLink link) {
    if (link.initDurationMs() != null || event.kind() != EventKind.LAMBDA_REPORT) {
      return link;
    }
    String init = event.attributes().get(LogEvent.INIT_DURATION_MS);
    if (init == null) {
      return link;
    }
    try {
      return link.withInitDurationMs(Double.parseDouble(init));
    } catch (IllegalArgumentException e) { // also NumberFormatException
      return link; // not a plausible duration: the request stays without a known init phase
    }
  }

  /** Writes every request-less INIT line of the stream whose init phase is now known. */
  private void resolveInits(String stream) {
    for (KeyValue<String, byte[]> entry : scan(pendingPrefix(stream, ""))) {
      LogEvent init = storedEvent(entry);
      if (init == null) {
        pending.delete(entry.key);
        continue;
      }
      RequestLink next = nextStartLink(stream, init.timestamp());
      if (next != null) {
        pending.delete(entry.key);
        emit(init, next, next.requestId());
        metrics.stitchResolvedByNextStart.increment();
      }
    }
  }

  /**
   * The link of the first START at or after {@code time} in the stream, when that START ended the
   * init phase a line at {@code time} belongs to: its request is a cold start (its link carries the
   * REPORT's {@code Init Duration}) and {@link RequestLink#isDuringInit} holds. Null otherwise,
   * also when the first START known is another request's: the START of the line's own phase may be
   * in a message not seen yet (messages of a stream arrive out of order and on other shards), so
   * being the first START seen after the line proves nothing.
   */
  private RequestLink nextStartLink(String stream, long time) {
    String requestId = null;
    long startTime = 0;
    byte[] prefix = startPrefix(stream);
    byte[] upper = Arrays.copyOf(prefix, prefix.length + 9);
    Arrays.fill(upper, prefix.length, upper.length, (byte) 0xFF); // request ids are UTF-8: no 0xFF
    try (KeyValueIterator<Bytes, byte[]> it =
        starts.range(startKey(stream, time, ""), Bytes.wrap(upper))) {
      if (it.hasNext()) {
        byte[] key = it.next().key.get();
        startTime = ByteBuffer.wrap(key, prefix.length, 8).getLong() ^ Long.MIN_VALUE;
        requestId =
            new String(
                key, prefix.length + 8, key.length - prefix.length - 8, StandardCharsets.UTF_8);
      }
    }
    if (requestId == null) {
      return null;
    }
    RequestLink link = storedLink(links.get(linkKey(stream, requestId)));
    if (link == null
        || link.initDurationMs() == null
        || !RequestLink.isDuringInit(time, startTime, link.initDurationMs())) {
      return null;
    }
    return link;
  }

  private void addStart(String stream, long startTime, String requestId, long due) {
    Bytes key = startKey(stream, startTime, requestId);
    starts.put(key, ByteBuffer.allocate(8).putLong(due).array());
    index(due, START, key.get());
  }

  private void emit(LogEvent event, RequestLink link, String requestId) {
    LogEvent.Builder resolved =
        event.toBuilder()
            .trace(link.traceId(), link.traceIdFormat())
            .attribute(TRACE_FROM, TRACE_FROM_CORRELATOR);
    if (requestId != null) {
      resolved.requestId(requestId).attribute(REQUEST_ID_FROM, "next-start");
    }
    forward(resolved.build());
  }

  private void forward(LogEvent event) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(Json.CANONICAL_EVENT_HEADER, Json.canonicalEventForm());
    context.forward(
        new Record<>(event.traceId(), Json.writeEvent(event), event.timestamp(), headers),
        eventsSink);
  }

  /** Drops every entry whose expiry time is at or before {@code now}; counts unresolved events. */
  private void expire(long now) {
    List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        expiry.range(expiryKey(Long.MIN_VALUE, (byte) 0, new byte[0]), upTo(now))) {
      while (it.hasNext() && due.size() < MAX_EXPIRED_PER_PASS) {
        due.add(it.next());
      }
    }
    for (KeyValue<Bytes, byte[]> entry : due) {
      expiry.delete(entry.key);
      byte[] k = entry.key.get();
      long at = ByteBuffer.wrap(k).getLong() ^ Long.MIN_VALUE;
      byte kind = k[8];
      byte[] storeKey = Arrays.copyOfRange(k, 9, k.length);
      if (kind == PENDING) {
        String key = new String(storeKey, StandardCharsets.UTF_8);
        if (dueOf(pending.get(key)) == at) {
          pending.delete(key);
          metrics.stitchUnresolved.increment();
        }
      } else if (kind == LINK) {
        String key = new String(storeKey, StandardCharsets.UTF_8);
        if (dueOf(links.get(key)) == at) {
          links.delete(key);
        }
      } else if (kind == START) {
        Bytes key = Bytes.wrap(storeKey);
        if (dueOf(starts.get(key)) == at) {
          starts.delete(key);
        }
      }
    }
  }

  private List<KeyValue<String, byte[]>> scan(String prefix) {
    List<KeyValue<String, byte[]>> found = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = pending.prefixScan(prefix, KEY_SERIALIZER)) {
      while (it.hasNext()) {
        found.add(it.next());
      }
    }
    return found;
  }

  private void index(long due, byte kind, byte[] storeKey) {
    expiry.put(expiryKey(due, kind, storeKey), MARKER);
  }

  /**
   * A pending event; one that no longer decodes (written by another version, say) goes to the DLQ
   * on its own and null is returned.
   */
  private LogEvent storedEvent(KeyValue<String, byte[]> entry) {
    byte[] json =
        Arrays.copyOfRange(entry.value, Math.min(8, entry.value.length), entry.value.length);
    try {
      return Json.readEvent(json);
    } catch (UncheckedIOException e) {
      deadLetter(
          new Record<>(entry.key, json, context.currentSystemTimeMs()),
          StoreNames.STITCH_PENDING,
          "undecodable-stored-event",
          String.valueOf(e.getMessage()));
      return null;
    }
  }

  /** A stored link, or null when absent or no longer decodable (then it is as if unknown). */
  private static RequestLink storedLink(byte[] value) {
    if (value == null || value.length <= 8) {
      return null;
    }
    try {
      return Json.readLink(Arrays.copyOfRange(value, 8, value.length));
    } catch (UncheckedIOException e) {
      return null;
    }
  }

  private static long dueOf(byte[] value) {
    return value == null || value.length < 8 ? Long.MIN_VALUE : ByteBuffer.wrap(value).getLong();
  }

  private static byte[] withDue(long due, byte[] json) {
    return ByteBuffer.allocate(8 + json.length).putLong(due).put(json).array();
  }

  static String linkKey(String stream, String requestId) {
    return stream + SEP + requestId;
  }

  static String pendingPrefix(String stream, String requestId) {
    return stream + SEP + requestId + SEP;
  }

  static String pendingKey(String stream, String requestId, String eventId) {
    return pendingPrefix(stream, requestId) + eventId;
  }

  private static byte[] startPrefix(String stream) {
    byte[] s = utf8(stream);
    return Arrays.copyOf(s, s.length + 1); // + NUL
  }

  /** Stream + NUL + START time (8 bytes, sign flipped: byte order is time order) + request id. */
  static Bytes startKey(String stream, long startTime, String requestId) {
    byte[] prefix = startPrefix(stream);
    byte[] id = utf8(requestId);
    return Bytes.wrap(
        ByteBuffer.allocate(prefix.length + 8 + id.length)
            .put(prefix)
            .putLong(startTime ^ Long.MIN_VALUE)
            .put(id)
            .array());
  }

  /** Expiry time (8 bytes, sign flipped) + kind + the entry's key in its store. */
  static Bytes expiryKey(long due, byte kind, byte[] storeKey) {
    return Bytes.wrap(
        ByteBuffer.allocate(9 + storeKey.length)
            .putLong(due ^ Long.MIN_VALUE)
            .put(kind)
            .put(storeKey)
            .array());
  }

  /** The largest expiry key of time {@code now} (any kind, any store key). */
  private static Bytes upTo(long now) {
    return expiryKey(now, (byte) 0xFF, new byte[] {(byte) 0xFF});
  }

  private void deadLetter(
      Record<String, byte[]> record, String topic, String reason, String detail) {
    metrics.deadLetter(reason);
    context.forward(
        DeadLetterRecords.of(record, reason, detail, topic, context.recordMetadata()), dlqSink);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
