package io.traceline.ingest.parse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one ingest reader remembers across subscription messages, so that the lines of one Lambda
 * invocation that CloudWatch delivered in two messages still meet: per log stream and request id
 * the trace id (and the START time) learned from an earlier message, and per log stream the
 * invocation still open at the end of the last message (START seen, END/REPORT not yet), or the
 * request-less INIT lines still waiting for the START that ends their init phase. Used by {@link
 * Stitcher} through {@code RecordProcessor}'s methods that take a memory.
 *
 * <p>Best effort by design: a subscription's Kinesis partition key is undocumented and may be
 * random, so the next message of a log stream may be read by another reader; the correlator
 * finishes the job from {@code traceline.unkeyed} and {@code traceline.request-links}. A log stream
 * whose messages this memory sees contradict its state (a START while another invocation is open,
 * the END of another request) is marked split: its open invocation is no longer trusted for
 * request-less lines, which then stay unkeyed rather than join the wrong request.
 *
 * <p>Bounded: at most {@code maxEntries} entries (request ids plus log streams together; the least
 * recently used goes first) and none unused for longer than {@code maxAge} (measured on the {@code
 * ingestedAt} times the caller passes, so tests and replays are deterministic). At most {@value
 * #MAX_HELD_INIT} INIT-phase lines of at most {@value #MAX_HELD_CHARS} characters each are held per
 * stream. Defaults: {@value #DEFAULT_MAX_ENTRIES} entries (a few MiB), {@link #DEFAULT_MAX_AGE}.
 *
 * <p>Meters, when created with a registry: the gauge {@value #ENTRIES} (tag {@code memory}, the
 * name given) and the counter {@value #EVICTIONS} (tag {@code reason=size|age}).
 *
 * <p>NOT thread-safe: one reader thread owns one memory and passes it with each record; the
 * processor itself stays shared. The owner closes it ({@link #close()} removes the gauge).
 */
public final class RequestMemory implements AutoCloseable {

  /** Default bound on entries. */
  public static final int DEFAULT_MAX_ENTRIES = 20_000;

  /** Default bound on the time an entry is kept without use (a Lambda runs at most 15 min). */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(15);

  /** Gauge of entries, tag {@code memory}. */
  public static final String ENTRIES = "traceline.ingest.stitch.memory.entries";

  /** Counter of entries evicted, tag {@code reason=size|age}. */
  public static final String EVICTIONS = "traceline.ingest.stitch.memory.evictions";

  /** Most INIT-phase lines held per log stream for the next message. */
  public static final int MAX_HELD_INIT = 8;

  /** Longest message of an INIT-phase line that is held. */
  public static final int MAX_HELD_CHARS = 4096;

  private final int maxEntries;
  private final long maxAgeMs;
  private final Map<String, Known> known = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, StreamState> streams = new LinkedHashMap<>(16, 0.75f, true);
  private final Counter evictedBySize;
  private final Counter evictedByAge;
  private final MeterRegistry registry;
  private final Gauge gauge;

  /** An unmetered memory (tests, one-off runs). */
  public RequestMemory(int maxEntries, Duration maxAge) {
    this(maxEntries, maxAge, null, null);
  }

  /**
   * A metered memory.
   *
   * @param name the gauge's {@code memory} tag, unique among the live memories of the registry
   *     (e.g. the reader's shard or thread)
   * @param maxEntries most entries, at least 1
   * @param maxAge longest time an entry is kept without use, positive
   * @param registry where the gauge and the counter live
   */
  public RequestMemory(String name, int maxEntries, Duration maxAge, MeterRegistry registry) {
    this(maxEntries, maxAge, Objects.requireNonNull(name, "name"), registry);
  }

  private RequestMemory(int maxEntries, Duration maxAge, String name, MeterRegistry registry) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
    }
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isZero() || maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
    }
    this.maxEntries = maxEntries;
    this.maxAgeMs = maxAge.toMillis();
    this.registry = registry;
    if (registry == null) {
      this.evictedBySize = null;
      this.evictedByAge = null;
      this.gauge = null;
    } else {
      this.evictedBySize = Counter.builder(EVICTIONS).tag("reason", "size").register(registry);
      this.evictedByAge = Counter.builder(EVICTIONS).tag("reason", "age").register(registry);
      this.gauge =
          Gauge.builder(ENTRIES, this, RequestMemory::size)
              .description("Entries of one ingest reader's cross-message stitching memory")
              .tag("memory", name)
              .register(registry);
    }
  }

  /** Request ids plus log streams remembered now. */
  public int size() {
    return known.size() + streams.size();
  }

  /**
   * Forgets everything: for a reader that rewound to a checkpoint, which will read again the
   * messages this memory already learned from (seeing a START twice would mark its stream split).
   */
  public void clear() {
    known.clear();
    streams.clear();
  }

  /** Removes the gauge; the memory stays usable but unmetered. */
  @Override
  public void close() {
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  /** Forgets everything unused since {@code now - maxAge}. */
  void expire(long now) {
    long oldest = now - maxAgeMs;
    expire(known, oldest);
    expire(streams, oldest);
  }

  private void expire(Map<String, ? extends Entry> map, long oldest) {
    Iterator<? extends Entry> it = map.values().iterator();
    while (it.hasNext()) {
      if (it.next().touchedAt >= oldest) {
        return; // access order: the rest were used later (when the caller's times do not go back)
      }
      it.remove();
      if (evictedByAge != null) {
        evictedByAge.increment();
      }
    }
  }

  /** The trace learned for {@code requestId} in {@code stream}, or null. */
  Known trace(String stream, String requestId, long now) {
    Known k = known.get(key(stream, requestId));
    if (k != null) {
      k.touchedAt = now;
    }
    return k;
  }

  /**
   * Remembers (or refreshes) a request's trace; a known START time and init duration are kept when
   * none is given.
   */
  void learn(
      String stream,
      String requestId,
      String traceId,
      TraceIdFormat format,
      Long startTime,
      Double initDurationMs,
      long now) {
    String key = key(stream, requestId);
    Known old = known.get(key);
    Long start = startTime != null ? startTime : old == null ? null : old.startTime;
    Double init = initDurationMs != null ? initDurationMs : old == null ? null : old.initDurationMs;
    known.put(key, new Known(traceId, format, start, init, now));
    bound();
  }

  /** The state of {@code stream} at the end of the last message seen, or null. */
  StreamState stream(String stream, long now) {
    StreamState s = streams.get(stream);
    if (s != null) {
      s.touchedAt = now;
    }
    return s;
  }

  /** Replaces the state of {@code stream}; an empty state is forgotten. */
  void stream(
      String stream, String openRequestId, boolean split, List<LogEvent> heldInit, long now) {
    if (openRequestId == null && !split && heldInit.isEmpty()) {
      streams.remove(stream);
      return;
    }
    streams.put(stream, new StreamState(openRequestId, split, List.copyOf(heldInit), now));
    bound();
  }

  /** Evicts the least recently used entries of both maps until the bound holds. */
  private void bound() {
    while (size() > maxEntries) {
      Map<String, ? extends Entry> from = known.isEmpty() ? streams : known;
      if (!known.isEmpty() && !streams.isEmpty()) {
        long k = known.values().iterator().next().touchedAt;
        long s = streams.values().iterator().next().touchedAt;
        from = s < k ? streams : known;
      }
      Iterator<? extends Entry> it = from.values().iterator();
      it.next();
      it.remove();
      if (evictedBySize != null) {
        evictedBySize.increment();
      }
    }
  }

  private static String key(String stream, String requestId) {
    return stream + '\u0000' + requestId;
  }

  /** Base of the entries: the time of last use. */
  abstract static class Entry {
    long touchedAt;

    Entry(long touchedAt) {
      this.touchedAt = touchedAt;
    }
  }

  /**
   * A request's trace learned from an earlier message, with its START time and the {@code Init
   * Duration} of its REPORT (a cold start) when a message showed them.
   */
  static final class Known extends Entry {
    final String traceId;
    final TraceIdFormat format;
    final Long startTime;
    final Double initDurationMs;

    Known(
        String traceId,
        TraceIdFormat format,
        Long startTime,
        Double initDurationMs,
        long touchedAt) {
      super(touchedAt);
      this.traceId = traceId;
      this.format = format;
      this.startTime = startTime;
      this.initDurationMs = initDurationMs;
    }
  }

  /** A log stream at the end of the last message: open invocation, split, held INIT lines. */
  static final class StreamState extends Entry {
    final String openRequestId;
    final boolean split;
    final List<LogEvent> heldInit;

    StreamState(String openRequestId, boolean split, List<LogEvent> heldInit, long touchedAt) {
      super(touchedAt);
      this.openRequestId = openRequestId;
      this.split = split;
      this.heldInit = heldInit;
    }
  }
}
