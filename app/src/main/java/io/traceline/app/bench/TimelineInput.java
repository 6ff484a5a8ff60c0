package io.traceline.app.bench;

import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.assemble.TimelineAssembler;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.TimelineStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The records of {@code traceline.timelines} as the correlator writes them, for the sink benchmark:
 * the traces of a {@link TraceWorkload}, each assembled by the correlator's own {@link
 * TimelineAssembler} (the default settings' SLO, slow-query threshold and event bound) and encoded
 * with {@link Json#writeTimeline}, keyed by trace id.
 *
 * <p>Trace {@code i} starts at {@code startMs + i} ms (all in one UTC month for any realistic
 * count, so in one index). A share of the traces, drawn from the seed, also get a second revision:
 * revision 1 holds the events that arrived first, all but the last third of them ({@link
 * TimelineStatus#COMPLETE}); revision 2 holds every event ({@link TimelineStatus#REVISED}) and
 * comes {@value #REVISION_DELAY} traces later in the stream, as late events do. Deterministic for a
 * seed. Immutable once generated; holds every record's bytes.
 */
final class TimelineInput {

  /** Traces between a timeline's first revision and its second one in the stream. */
  static final int REVISION_DELAY = 100;

  /**
   * One record of the topic.
   *
   * @param traceId the key
   * @param revision the timeline's revision
   * @param value the timeline's JSON, as the correlator writes it
   */
  @SuppressWarnings("ArrayRecordComponent") // the bytes are passed on, never compared
  record TimelineRecord(String traceId, int revision, byte[] value) {}

  private final List<TimelineRecord> records;
  private final int timelines;
  private final long events;
  private final long bytes;

  private TimelineInput(List<TimelineRecord> records, int timelines, long events) {
    this.records = List.copyOf(records);
    this.timelines = timelines;
    this.events = events;
    this.bytes = records.stream().mapToLong(r -> r.value().length).sum();
  }

  /**
   * Generates the records of {@code timelines} traces.
   *
   * @param seed seed of the workload and of the choice of revised traces
   * @param startMs start of the first request
   * @param timelines traces, so distinct timelines
   * @param minEvents fewest events of a trace
   * @param maxEvents most events of a trace
   * @param revisedShare the share of traces (of at least two events) that get a second revision
   */
  static TimelineInput generate(
      long seed, long startMs, int timelines, int minEvents, int maxEvents, double revisedShare) {
    CorrelatorSettings settings = CorrelatorSettings.defaults();
    TimelineAssembler assembler =
        new TimelineAssembler(
            settings.sloThresholdMs(), settings.slowQueryMs(), settings.maxTimelineEvents());
    TraceWorkload workload = new TraceWorkload(seed);
    SplittableRandom revise = new SplittableRandom(seed ^ 0x7265766973656421L);
    List<TimelineRecord> records = new ArrayList<>();
    Deque<Due> later = new ArrayDeque<>();
    long events = 0;
    for (int i = 0; i < timelines; i++) {
      while (!later.isEmpty() && later.peekFirst().at() <= i) {
        records.add(later.pollFirst().record());
      }
      TraceWorkload.Trace trace =
          workload.next(
              startMs + i,
              workload.eventCount(minEvents, maxEvents),
              CorrelatorBenchmark.MAX_LAG_MS);
      List<LogEvent> all = trace.events();
      events += all.size();
      if (all.size() >= 2 && revise.nextDouble() < revisedShare) {
        List<LogEvent> first = all.subList(0, all.size() - Math.max(1, all.size() / 3));
        records.add(record(assembler, trace, 1, TimelineStatus.COMPLETE, first));
        later.addLast(
            new Due(i + REVISION_DELAY, record(assembler, trace, 2, TimelineStatus.REVISED, all)));
      } else {
        records.add(record(assembler, trace, 1, TimelineStatus.COMPLETE, all));
      }
    }
    later.forEach(d -> records.add(d.record()));
    return new TimelineInput(records, timelines, events);
  }

  private record Due(int at, TimelineRecord record) {}

  private static TimelineRecord record(
      TimelineAssembler assembler,
      TraceWorkload.Trace trace,
      int revision,
      TimelineStatus status,
      List<LogEvent> events) {
    Timeline timeline =
        assembler.assemble(trace.traceId(), revision, status, events, events.size());
    return new TimelineRecord(trace.traceId(), revision, Json.writeTimeline(timeline));
  }

  /** Every record, in the order they go to the topic. */
  List<TimelineRecord> records() {
    return records;
  }

  /** Distinct timelines (traces): the documents OpenSearch holds once every record is indexed. */
  int timelines() {
    return timelines;
  }

  /** Second revisions among the records. */
  int revisions() {
    return records.size() - timelines;
  }

  /** Events of every trace (each once). */
  long events() {
    return events;
  }

  /** JSON bytes of every record. */
  long bytes() {
    return bytes;
  }

  /**
   * The sum over the traces of their latest revision (1, or 2 for a revised one): what the indexed
   * documents' revisions add up to when each is at its latest.
   */
  long revisionSum() {
    return (long) timelines + revisions();
  }
}
