package io.traceline.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.ingest.decode.DecodeFailure;
import io.traceline.ingest.decode.DecodeResult;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.ingest.parse.LineParser;
import io.traceline.ingest.parse.RequestMemory;
import io.traceline.ingest.parse.Stitcher;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ingest stage as a function: one Kinesis record's data in, an {@link Outcome} out. Decodes
 * (raw gzip, every member), parses every line, stitches the lines of each message, and splits the
 * result into keyed events, unkeyed events and dead letters. Never throws on bad input: undecodable
 * records and unparseable events become dead letters with a reason.
 *
 * <p>Counters (Micrometer):
 *
 * <ul>
 *   <li>{@code traceline.ingest.records{outcome=data|control|failed}}: decoded documents (one per
 *       Kinesis record; one per gzip member for concatenated input);
 *   <li>{@code traceline.ingest.events{routing=keyed|unkeyed|dead-letter}};
 *   <li>{@code traceline.ingest.decode.failures{reason=not-gzip|...}}: see {@link DecodeFailure};
 *   <li>{@code traceline.ingest.event.failures{reason=invalid-event|parse-error}}.
 * </ul>
 *
 * <ul>
 *   <li>{@code traceline.ingest.stitched{from=earlier-message}}: events that got a request id or a
 *       trace id from a {@link RequestMemory} (an earlier message of their log stream).
 * </ul>
 *
 * <p>Each message also yields its request links ({@link Outcome#links()}): request id -> trace id
 * for its log stream, which the correlator uses to key unkeyed events whose message did not name
 * their trace.
 *
 * <p>Thread-safe: it holds no per-record state; one instance can serve every shard reader. The
 * methods that take a {@link RequestMemory} stitch across the messages that memory saw; a memory is
 * not thread-safe, so each reader thread passes its own (the processor stays shared). The methods
 * without one stitch within each message only (replay of decoded files, backfill, the benchmark).
 */
public final class RecordProcessor {

  /** Counter of decoded documents, tag {@code outcome=data|control|failed}. */
  public static final String RECORDS = "traceline.ingest.records";

  /** Counter of events, tag {@code routing=keyed|unkeyed|dead-letter}. */
  public static final String EVENTS = "traceline.ingest.events";

  /**
   * Counter of records that failed to decode, tag {@code reason} ({@link DecodeFailure#code()}).
   */
  public static final String DECODE_FAILURES = "traceline.ingest.decode.failures";

  /** Counter of single events sent to the DLQ, tag {@code reason}. */
  public static final String EVENT_FAILURES = "traceline.ingest.event.failures";

  /** Counter of events stitched from a reader's memory, tag {@code from=earlier-message}. */
  public static final String STITCHED = "traceline.ingest.stitched";

  /** Dead-letter reason of an event without an id (no dedupe key). */
  public static final String INVALID_EVENT = "invalid-event";

  /** Dead-letter reason of an event whose parsing failed unexpectedly (a parser bug). */
  public static final String PARSE_ERROR = "parse-error";

  private final SubscriptionDecoder decoder;
  private final LineParser parser = new LineParser();
  private final Clock clock;
  private final MeterRegistry registry;
  private final Counter dataRecords;
  private final Counter controlRecords;
  private final Counter failedRecords;
  private final Counter keyedEvents;
  private final Counter unkeyedEvents;
  private final Counter deadLetterEvents;
  private final Counter stitchedFromMemory;
  private final Map<DecodeFailure, Counter> decodeFailures = new EnumMap<>(DecodeFailure.class);
  private final Map<String, Counter> eventFailures = new ConcurrentHashMap<>();

  /** A processor with the default decoder bound and the system clock. */
  public RecordProcessor(MeterRegistry registry) {
    this(registry, new SubscriptionDecoder(), Clock.systemUTC());
  }

  /**
   * A processor.
   *
   * @param registry where the stage's counters live
   * @param decoder the decoder (its bound on decompressed bytes)
   * @param clock source of {@code ingestedAt}
   */
  public RecordProcessor(MeterRegistry registry, SubscriptionDecoder decoder, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dataRecords = counter(RECORDS, "outcome", "data");
    this.controlRecords = counter(RECORDS, "outcome", "control");
    this.failedRecords = counter(RECORDS, "outcome", "failed");
    this.keyedEvents = counter(EVENTS, "routing", "keyed");
    this.unkeyedEvents = counter(EVENTS, "routing", "unkeyed");
    this.deadLetterEvents = counter(EVENTS, "routing", "dead-letter");
    this.stitchedFromMemory = counter(STITCHED, "from", "earlier-message");
    for (DecodeFailure reason : DecodeFailure.values()) {
      decodeFailures.put(reason, counter(DECODE_FAILURES, "reason", reason.code()));
    }
  }

  /**
   * Processes one Kinesis record's data (raw gzip bytes, as SDK consumers receive it).
   *
   * @param kinesisData the record's data
   * @param source where it came from (kept in dead letters)
   */
  public Outcome process(byte[] kinesisData, Source source) {
    return process(kinesisData, source, clock.millis());
  }

  /**
   * Processes one Kinesis record's data whose ingestion time is known, e.g. the record's arrival
   * time when recorded input is replayed: the events carry it as {@code ingestedAt}.
   *
   * @param kinesisData the record's data
   * @param source where it came from (kept in dead letters)
   * @param ingestedAt the time to record as the events' ingestion, epoch ms
   */
  public Outcome process(byte[] kinesisData, Source source, long ingestedAt) {
    Objects.requireNonNull(source, "source");
    return handle(decoder.decodeAll(kinesisData), kinesisData, source, ingestedAt, null);
  }

  /**
   * Processes one Kinesis record's data and stitches its lines with those of earlier records that
   * the same reader processed with the same memory (see {@link RequestMemory}).
   *
   * @param kinesisData the record's data
   * @param source where it came from (kept in dead letters)
   * @param ingestedAt the time to record as the events' ingestion, epoch ms; also the memory's
   *     clock (entries unused for longer than its age are forgotten)
   * @param memory the calling reader's memory; used by one thread at a time
   */
  public Outcome process(byte[] kinesisData, Source source, long ingestedAt, RequestMemory memory) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(memory, "memory");
    return handle(decoder.decodeAll(kinesisData), kinesisData, source, ingestedAt, memory);
  }

  /**
   * Processes the JSON of a decoded subscription message (replay of decoded documents); bad JSON
   * becomes a dead letter like a bad Kinesis record.
   *
   * @param json the document's bytes
   * @param source where it came from (kept in dead letters)
   */
  public Outcome processJson(byte[] json, Source source) {
    Objects.requireNonNull(source, "source");
    return handle(List.of(decoder.decodeJson(json)), json, source, clock.millis(), null);
  }

  private Outcome handle(
      List<DecodeResult> results,
      byte[] payload,
      Source source,
      long ingestedAt,
      RequestMemory memory) {
    Accumulator out = new Accumulator(source);
    for (DecodeResult result : results) {
      if (result instanceof DecodeResult.Data data) {
        dataRecords.increment();
        parse(data.message(), out, ingestedAt, memory);
      } else if (result instanceof DecodeResult.Control) {
        controlRecords.increment();
        out.controlMessages++;
      } else if (result instanceof DecodeResult.Failed failed) {
        failedRecords.increment();
        decodeFailures.get(failed.reason()).increment();
        out.deadLetters.add(
            new DeadLetter(
                failed.reason().code(),
                failed.detail(),
                payload == null ? new byte[0] : payload,
                source));
      }
    }
    return out.build();
  }

  /** Processes an already-decoded message (replay of decoded documents). */
  public Outcome processDecoded(SubscriptionMessage message, Source source) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(source, "source");
    return decoded(message, source, clock.millis(), null);
  }

  /**
   * Processes an already-decoded message whose ingestion time is known, stitching across the
   * messages the same memory saw (see {@link #process(byte[], Source, long, RequestMemory)}).
   */
  public Outcome processDecoded(
      SubscriptionMessage message, Source source, long ingestedAt, RequestMemory memory) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(memory, "memory");
    return decoded(message, source, ingestedAt, memory);
  }

  private Outcome decoded(
      SubscriptionMessage message, Source source, long ingestedAt, RequestMemory memory) {
    Accumulator out = new Accumulator(source);
    if (message.isControl()) {
      controlRecords.increment();
      out.controlMessages++;
    } else {
      dataRecords.increment();
      parse(message, out, ingestedAt, memory);
    }
    return out.build();
  }

  private void parse(
      SubscriptionMessage message, Accumulator out, long ingestedAt, RequestMemory memory) {
    List<LogEvent> events = new ArrayList<>(message.logEvents().size());
    for (CloudWatchEvent event : message.logEvents()) {
      if (event.id().isBlank()) {
        eventFailure(INVALID_EVENT, "event without id (no dedupe key)", message, event, out);
        continue;
      }
      try {
        events.add(parser.parse(message.logGroup(), message.logStream(), event, ingestedAt));
      } catch (RuntimeException e) { // a parser bug must not stop the shard: keep the line
        eventFailure(PARSE_ERROR, e.toString(), message, event, out);
      }
    }
    Stitcher.Stitched stitched = Stitcher.stitch(events, memory, ingestedAt);
    if (stitched.fromEarlierMessages() > 0) {
      stitchedFromMemory.increment(stitched.fromEarlierMessages());
    }
    out.links.addAll(stitched.links());
    for (LogEvent event : stitched.events()) {
      if (event.isKeyed()) {
        out.keyed.add(event);
        keyedEvents.increment();
      } else {
        out.unkeyed.add(event);
        unkeyedEvents.increment();
      }
    }
  }

  private void eventFailure(
      String reason,
      String detail,
      SubscriptionMessage message,
      CloudWatchEvent event,
      Accumulator out) {
    deadLetterEvents.increment();
    eventFailures.computeIfAbsent(reason, r -> counter(EVENT_FAILURES, "reason", r)).increment();
    SubscriptionMessage single =
        new SubscriptionMessage(
            message.messageType(),
            message.owner(),
            message.logGroup(),
            message.logStream(),
            message.subscriptionFilters(),
            List.of(event));
    out.deadLetters.add(
        new DeadLetter(
            reason,
            detail + " in " + message.logGroup() + " / " + message.logStream(),
            SubscriptionDecoder.toJson(single),
            out.source));
  }

  private Counter counter(String name, String tag, String value) {
    return Counter.builder(name).tag(tag, value).register(registry);
  }

  /** Mutable collector for one call; never shared. */
  private static final class Accumulator {
    final Source source;
    final List<LogEvent> keyed = new ArrayList<>();
    final List<LogEvent> unkeyed = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>(0);
    final List<RequestLink> links = new ArrayList<>(0);
    int controlMessages;

    Accumulator(Source source) {
      this.source = source;
    }

    Outcome build() {
      return new Outcome(source, keyed, unkeyed, deadLetters, controlMessages, links);
    }
  }
}
