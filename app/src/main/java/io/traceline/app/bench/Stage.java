package io.traceline.app.bench;

import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.decode.DecodeResult;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.model.LogEvent;
import java.util.List;

/**
 * One measured piece of work over a slice of the input records. Every result is folded into {@link
 * #events}, {@link #jsonBytes} and {@link #checksum} (a blackhole: the JIT cannot drop work whose
 * result is used), and the checksum is published through a volatile field after each iteration.
 *
 * <p>The measuring loop calls {@link #run} once per slice of {@link Measurement#SLICE} records, so
 * its call site sees every subclass; that one megamorphic call per slice costs nanoseconds against
 * the hundreds of microseconds of a slice. The per-record loops live in the subclasses, each
 * monomorphic. Not thread-safe: one thread drives a stage.
 */
abstract class Stage {

  final String name;
  final String call;
  long events;
  long jsonBytes;
  long checksum;

  Stage(String name, String call) {
    this.name = name;
    this.call = call;
  }

  /** Processes the records {@code from} (inclusive) to {@code to} (exclusive). */
  abstract void run(int from, int to);

  final void resetTally() {
    events = 0;
    jsonBytes = 0;
  }

  /** Folds an outcome into the tally: its events, and a hash of the last keyed trace id. */
  final void consume(Outcome outcome, int jsonBytesOfRecord) {
    events += outcome.eventCount();
    jsonBytes += jsonBytesOfRecord;
    List<LogEvent> keyed = outcome.keyed();
    long h = 31L * checksum + outcome.eventCount() + outcome.deadLetters().size();
    if (!keyed.isEmpty()) {
      h += keyed.get(keyed.size() - 1).traceId().hashCode();
    }
    checksum = h;
  }

  /** Decode, parse, normalise, stitch: {@code RecordProcessor.process(gzip bytes, source)}. */
  static final class ProcessGzip extends Stage {
    private final RecordProcessor processor;
    private final Source source;
    private final byte[][] gzip;
    private final int[] json;

    ProcessGzip(RecordProcessor processor, Source source, IngestInput input) {
      super("decode + parse + normalise + stitch", "RecordProcessor.process(gzip bytes, source)");
      this.processor = processor;
      this.source = source;
      this.gzip = input.gzip;
      this.json = input.jsonBytes;
    }

    @Override
    void run(int from, int to) {
      for (int i = from; i < to; i++) {
        consume(processor.process(gzip[i], source), json[i]);
      }
    }
  }

  /** Parse, normalise, stitch: {@code RecordProcessor.processDecoded(message, source)}. */
  static final class ProcessDecoded extends Stage {
    private final RecordProcessor processor;
    private final Source source;
    private final SubscriptionMessage[] messages;
    private final int[] json;

    ProcessDecoded(RecordProcessor processor, Source source, IngestInput input) {
      super("parse + normalise + stitch", "RecordProcessor.processDecoded(message, source)");
      this.processor = processor;
      this.source = source;
      this.messages = input.messages;
      this.json = input.jsonBytes;
    }

    @Override
    void run(int from, int to) {
      for (int i = from; i < to; i++) {
        consume(processor.processDecoded(messages[i], source), json[i]);
      }
    }
  }

  /** Decode only: gunzip and read the JSON, {@code SubscriptionDecoder.decodeAll(gzip bytes)}. */
  static final class DecodeOnly extends Stage {
    private final SubscriptionDecoder decoder;
    private final byte[][] gzip;
    private final int[] json;

    DecodeOnly(SubscriptionDecoder decoder, IngestInput input) {
      super("decode only", "new SubscriptionDecoder().decodeAll(gzip bytes)");
      this.decoder = decoder;
      this.gzip = input.gzip;
      this.json = input.jsonBytes;
    }

    @Override
    void run(int from, int to) {
      for (int i = from; i < to; i++) {
        long h = 31L * checksum;
        for (DecodeResult result : decoder.decodeAll(gzip[i])) {
          if (result instanceof DecodeResult.Data data) {
            List<SubscriptionMessage.CloudWatchEvent> lines = data.message().logEvents();
            events += lines.size();
            h += lines.isEmpty() ? 0 : lines.get(lines.size() - 1).id().hashCode();
          } else {
            h += result.getClass().hashCode();
          }
        }
        jsonBytes += json[i];
        checksum = h;
      }
    }
  }
}
