package io.traceline.app.bench;

import io.traceline.app.UsageException;
import io.traceline.app.cli.DurationConverter;
import io.traceline.app.cli.KafkaLogging;
import io.traceline.correlator.rocksdb.RocksDbMemorySettings;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.model.LogEvent;
import io.traceline.model.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traceline bench open-traces}: the correlator's memory while it holds many open traces, and
 * the latency with which it emits a trace's timeline once the trace has gone quiet.
 *
 * <p>This process runs an {@link EmbeddedKafka} broker, the producer and a {@link TimelineWatcher};
 * the correlator runs in a child JVM ({@link CorrelatorProcess}, {@link CorrelatorChild}) with its
 * own heap cap, so that the cap proves the heap claim and the child's figures are the correlator's
 * alone. Order: (1) five seconds of warm-up traces and then a few thousand sample traces, paced,
 * each timed from the moment its last event was handed to the producer; (2) the bulk, a million
 * traces of 1-3 events, as fast as the producer goes; (3) once the correlator has committed every
 * event, a full GC in the child and its heap and RSS, while every trace is open (the gap is longer
 * than the load); (4) the samples' timelines, which close one gap after the samples and so before
 * any bulk trace: emit latency = read time - produced time - gap, with the bulk still open. Every
 * trace ends when it is produced (event times up to then, ingested then), as live traffic without
 * delivery lag. Picocli creates one instance per run.
 */
@Command(
    name = "open-traces",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the correlator's heap (after a full GC) and RSS with a million open traces, in a",
      "child JVM capped with -Xmx, and the latency with which it emits a timeline after a trace's",
      "inactivity gap (p50/p99/max over sample traces), on an embedded Kafka broker (KRaft).",
      "Results on stdout, progress on stderr. Takes about the gap plus a minute."
    })
public final class OpenTracesBenchmark implements Callable<Integer> {

  /** The heap the correlator should fit in with the default load. */
  static final long HEAP_TARGET_BYTES = 512L * 1024 * 1024;

  /** The emit latency the correlator should stay under at the 99th percentile. */
  static final long LATENCY_TARGET_MS = 1_000;

  static final String APPLICATION_ID = "traceline-bench-open-traces";

  private static final Duration CHILD_START = Duration.ofMinutes(3);
  private static final Duration CHILD_ANSWER = Duration.ofMinutes(2);
  private static final Duration MAX_LOAD = Duration.ofHours(1);
  private static final Duration PROGRESS = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * Traffic at the samples' rate before them, not measured, so that the correlator's code is
   * compiled and its clock follows the wall clock as closely as it will during the samples. The
   * clock follows event time: it lags the wall clock by the smallest processing delay seen so far,
   * and a trace closes one gap after its arrival on that clock. Samples that arrived while a cold
   * start still delayed processing would close early once the delay shrank.
   */
  private static final Duration WARMUP = Duration.ofSeconds(5);

  /** Quiet time between the last sample and the first bulk trace: their deadlines never mix. */
  private static final Duration SAMPLE_MARGIN = Duration.ofSeconds(2);

  @Option(
      names = "--traces",
      defaultValue = "1000000",
      description = "Traces held open (default: ${DEFAULT-VALUE}).")
  int traces;

  @Option(
      names = "--min-events",
      defaultValue = "1",
      description = "Fewest events of a trace (default: ${DEFAULT-VALUE}).")
  int minEvents;

  @Option(
      names = "--max-events",
      defaultValue = "3",
      description = "Most events of a trace (default: ${DEFAULT-VALUE}).")
  int maxEvents;

  @Option(
      names = "--samples",
      defaultValue = "2000",
      description = "Sample traces whose emit latency is measured (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(
      names = "--sample-time",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Time over which the samples are spread (default: ${DEFAULT-VALUE}).")
  Duration sampleTime;

  @Option(
      names = "--gap",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "The correlator's inactivityGap; longer than loading the traces takes, so that all stay"
              + " open (default: ${DEFAULT-VALUE}).")
  Duration gap;

  @Option(
      names = "--close-check",
      defaultValue = "500ms",
      converter = DurationConverter.class,
      description =
          "The correlator's closeCheckInterval (default: ${DEFAULT-VALUE}, production's).")
  Duration closeCheck;

  @Option(
      names = "--guarantee",
      defaultValue = "exactly_once_v2",
      description =
          "Processing guarantee: exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
  String guarantee;

  @Option(
      names = "--child-heap",
      defaultValue = "512m",
      description = "-Xmx of the correlator's JVM (default: ${DEFAULT-VALUE}).")
  String childHeap;

  @Option(
      names = "--rocksdb-memory",
      paramLabel = "SIZE",
      description =
          "The correlator's RocksDB memory bound (rocksdb.memoryBytes): bytes, or with k, m or g"
              + " (64m, 1g); 0 for none, each store with Kafka Streams' defaults (default:"
              + " production's, 256m).")
  String rocksdbMemory;

  @Mixin CorrelatorRunOptions common;

  @Spec CommandSpec spec;

  /** What was produced. */
  private record Load(long events, long bytes, long nanos) {}

  /**
   * The sample traces: their ids and when their last event was handed to the producer (epoch ms),
   * index = sample number.
   */
  private record Samples(List<String> traceIds, List<Long> producedAt, long events) {
    Samples {
      traceIds = List.copyOf(traceIds);
      producedAt = List.copyOf(producedAt);
    }
  }

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KafkaLogging.errorsOnly(); // the broker runs inside this process
    printHeader(out);
    Path stateRoot = Files.createTempDirectory("traceline-bench-open-traces-");
    progress(err, "starting an embedded Kafka broker...");
    try (EmbeddedKafka kafka = BenchKafka.startBroker(common.partitions);
        Admin admin = BenchKafka.admin(kafka.bootstrapServers())) {
      progress(err, "starting the correlator's JVM (-Xmx" + childHeap + ")...");
      try (CorrelatorProcess child =
              CorrelatorProcess.start(
                  childHeap, childArgs(kafka, stateRoot.resolve("streams")), CHILD_START);
          KafkaProducer<String, byte[]> producer = BenchKafka.producer(kafka.bootstrapServers())) {
        run(out, err, kafka, admin, child, producer, stateRoot);
      }
    } finally {
      BenchKafka.deleteQuietly(stateRoot, err);
    }
    out.flush();
    return 0;
  }

  private void run(
      PrintWriter out,
      PrintWriter err,
      EmbeddedKafka kafka,
      Admin admin,
      CorrelatorProcess child,
      KafkaProducer<String, byte[]> producer,
      Path stateRoot) {
    ChildReport idle = child.report(true, CHILD_ANSWER);
    TraceWorkload workload = new TraceWorkload(common.seed);
    int warmups =
        (int) Math.max(10, samples * WARMUP.toNanos() / Math.max(1, sampleTime.toNanos()));
    progress(
        err,
        String.format(
            Locale.ROOT,
            "warming up with %,d traces over %s...",
            warmups,
            CorrelatorRunOptions.readable(WARMUP)));
    long trafficStart = System.currentTimeMillis();
    produceSamples(producer, workload, warmups, WARMUP);
    progress(
        err,
        String.format(
            Locale.ROOT,
            "producing %,d sample traces over %s...",
            samples,
            CorrelatorRunOptions.readable(sampleTime)));
    Samples sampled = produceSamples(producer, workload, samples, sampleTime);
    try (TimelineWatcher watcher =
        new TimelineWatcher(
            kafka.bootstrapServers(), common.partitions, Set.copyOf(sampled.traceIds()))) {
      LockSupport.parkNanos(SAMPLE_MARGIN.toNanos());
      progress(err, String.format(Locale.ROOT, "producing %,d traces...", traces));
      long bulkStart = System.nanoTime();
      Load bulk = produceBulk(producer, workload, err);
      progress(
          err,
          String.format(
              Locale.ROOT,
              "produced %,d events in %.1f s; the correlator loads them...",
              bulk.events(),
              bulk.nanos() / 1e9));
      Map<TopicPartition, Long> ends =
          BenchKafka.endOffsets(admin, Topics.EVENTS, common.partitions);
      awaitLoaded(err, admin, child, ends);
      long loadedNanos = System.nanoTime() - bulkStart;
      boolean loadedInTime = System.currentTimeMillis() < trafficStart + gap.toMillis();

      progress(err, "full GC in the correlator's JVM...");
      ChildReport memory = child.report(true, CHILD_ANSWER);
      long stateBytes = directorySize(stateRoot.resolve("streams"));
      printLoad(out, sampled, bulk, loadedNanos, loadedInTime, memory, idle, stateBytes);

      progress(
          err,
          String.format(
              Locale.ROOT,
              "waiting for the samples' timelines (the gap, %s, after each)...",
              CorrelatorRunOptions.readable(gap)));
      awaitSamples(err, child, watcher, sampled);
      ChildReport last = child.report(false, CHILD_ANSWER);
      printLatency(out, sampled, watcher.readTimes(), watcher.others(), warmups, last);
      printSummary(out, memory, watcher.readTimes(), sampled);
    }
  }

  /** Waits until every sample's timeline was read, or two minutes past the last one's due time. */
  private void awaitSamples(
      PrintWriter err, CorrelatorProcess child, TimelineWatcher watcher, Samples sampled) {
    long lastProduced = sampled.producedAt().get(samples - 1);
    long deadline = lastProduced + gap.toMillis() + Duration.ofMinutes(2).toMillis();
    long nextProgress = System.currentTimeMillis() + PROGRESS.toMillis();
    while (watcher.watchedRead() < samples && System.currentTimeMillis() < deadline) {
      if (System.currentTimeMillis() >= nextProgress) {
        nextProgress += PROGRESS.toMillis();
        ChildReport now = child.report(false, CHILD_ANSWER);
        progress(
            err,
            String.format(
                Locale.ROOT,
                "%,d of %,d samples' timelines read; the correlator's RSS %,d MiB",
                watcher.watchedRead(),
                samples,
                now.rss() >> 20));
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (traces < 1 || traces > 10_000_000) {
      problems.add("--traces must be between 1 and 10,000,000, was " + traces);
    }
    if (samples < 1 || samples > 100_000) {
      problems.add("--samples must be between 1 and 100,000, was " + samples);
    }
    if (sampleTime.isNegative() || sampleTime.compareTo(Duration.ofMinutes(10)) > 0) {
      problems.add("--sample-time must be between 0s and 10m, was " + sampleTime);
    }
    problems.addAll(
        common.problems(gap, closeCheck, minEvents, maxEvents, 100, List.of(guarantee)));
    if (!childHeap.matches("[1-9][0-9]*[kKmMgG]?")) {
      problems.add("--child-heap must be a -Xmx size such as 512m, was '" + childHeap + "'");
    }
    if (rocksdbMemory != null) {
      if (rocksdbMemory.matches("[0-9]{1,15}[kKmMgG]?")) {
        for (String problem : rocksDb().problems()) {
          problems.add("--rocksdb-memory: " + problem);
        }
      } else {
        problems.add("--rocksdb-memory must be a size such as 64m, was '" + rocksdbMemory + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid bench open-traces options", problems);
    }
  }

  private List<String> childArgs(EmbeddedKafka kafka, Path stateDir) {
    return List.of(
        "--bootstrap-servers=" + kafka.bootstrapServers(),
        "--application-id=" + APPLICATION_ID,
        "--state-dir=" + stateDir,
        "--gap=" + gap.toMillis() + "ms",
        "--close-check=" + closeCheck.toMillis() + "ms",
        "--guarantee=" + CorrelatorRunOptions.guarantee(guarantee).config(),
        "--threads=" + common.threads,
        "--rocksdb-memory=" + rocksDb().memoryBytes());
  }

  /** The correlator's RocksDB memory bound: production's, with the budget of the option if set. */
  private RocksDbMemorySettings rocksDb() {
    RocksDbMemorySettings d = RocksDbMemorySettings.defaults();
    if (rocksdbMemory == null) {
      return d;
    }
    String digits = rocksdbMemory.replaceAll("[^0-9]", "");
    int shift =
        switch (rocksdbMemory.toLowerCase(Locale.ROOT).charAt(rocksdbMemory.length() - 1)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          default -> 0;
        };
    long bytes;
    try {
      bytes = Math.multiplyExact(Long.parseLong(digits), 1L << shift);
    } catch (ArithmeticException tooLarge) {
      bytes = Long.MAX_VALUE; // reported as above the largest budget
    }
    return new RocksDbMemorySettings(bytes, d.writeBufferRatio(), d.indexFilterRatio());
  }

  private void printHeader(PrintWriter out) {
    out.println(
        "traceline bench open-traces: the correlator's memory with many open traces, and its emit"
            + " latency");
    MachineInfo.print(
        out, "the broker and the producer run in this JVM, the correlator in a child");
    MachineInfo.printLoad(out, "start");
    out.printf(
        Locale.ROOT,
        "  child      java -Xmx%s (this JVM's class path), CorrelatorService over"
            + " CorrelatorTopology.build, %s, %d stream thread%s%n",
        childHeap,
        CorrelatorRunOptions.guarantee(guarantee).config(),
        common.threads,
        common.threads == 1 ? "" : "s");
    out.printf(
        Locale.ROOT,
        "  correlator inactivityGap %s, closeCheckInterval %s, other settings the defaults;"
            + " commit.interval.ms 200%n",
        CorrelatorRunOptions.readable(gap),
        CorrelatorRunOptions.readable(closeCheck));
    RocksDbMemorySettings rocksDb = rocksDb();
    out.printf(
        Locale.ROOT,
        "  rocksdb    %s%n",
        rocksDb.bounded()
            ? String.format(
                Locale.ROOT,
                "every store bounded together to %s (rocksdb.memoryBytes; memtables up to %s)",
                mib(rocksDb.memoryBytes()),
                mib(rocksDb.writeBufferBytes()))
            : "no bound (rocksdb.memoryBytes 0): each store with Kafka Streams' defaults");
  }

  /**
   * {@code count} traces paced evenly over {@code time}, each flushed at once; when each was
   * produced is noted.
   */
  private Samples produceSamples(
      KafkaProducer<String, byte[]> producer, TraceWorkload workload, int count, Duration time) {
    List<String> ids = new ArrayList<>(count);
    List<Long> producedAt = new ArrayList<>(count);
    SendFailures failures = new SendFailures();
    long start = System.nanoTime();
    long interval = time.toNanos() / count;
    long events = 0;
    for (int i = 0; i < count; i++) {
      long due = start + i * interval;
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      long now = System.currentTimeMillis();
      TraceWorkload.Trace trace =
          workload.endingAt(now, now, workload.eventCount(minEvents, maxEvents));
      ids.add(trace.traceId());
      producedAt.add(now);
      for (LogEvent e : trace.events()) {
        send(producer, e, failures);
      }
      events += trace.events().size();
      producer.flush(); // one sample at a time: not held up by batching
    }
    failures.check();
    return new Samples(ids, producedAt, events);
  }

  /** The bulk: every trace as soon as the producer takes it. */
  private Load produceBulk(
      KafkaProducer<String, byte[]> producer, TraceWorkload workload, PrintWriter err) {
    SendFailures failures = new SendFailures();
    long start = System.nanoTime();
    long events = 0;
    long bytes = 0;
    for (int t = 1; t <= traces; t++) {
      long now = System.currentTimeMillis();
      TraceWorkload.Trace trace =
          workload.endingAt(now, now, workload.eventCount(minEvents, maxEvents));
      for (LogEvent e : trace.events()) {
        bytes += send(producer, e, failures);
        events++;
      }
      if (t % 200_000 == 0) {
        progress(err, String.format(Locale.ROOT, "%,d of %,d traces produced", t, traces));
      }
    }
    producer.flush();
    failures.check();
    return new Load(events, bytes, System.nanoTime() - start);
  }

  private static int send(KafkaProducer<String, byte[]> producer, LogEvent e, Callback callback) {
    ProducerRecord<String, byte[]> record = BenchKafka.eventRecord(Topics.EVENTS, e);
    var unused = producer.send(record, callback);
    return record.value().length;
  }

  /** Waits until the correlator has committed every event, with progress every few seconds. */
  private static void awaitLoaded(
      PrintWriter err, Admin admin, CorrelatorProcess child, Map<TopicPartition, Long> ends) {
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    long deadline = System.nanoTime() + MAX_LOAD.toNanos();
    long nextProgress = System.nanoTime() + PROGRESS.toNanos();
    for (long behind = BenchKafka.uncommitted(admin, APPLICATION_ID, ends);
        behind > 0;
        behind = BenchKafka.uncommitted(admin, APPLICATION_ID, ends)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the correlator did not process the traces in time");
      }
      if (System.nanoTime() - nextProgress > 0) {
        nextProgress += PROGRESS.toNanos();
        ChildReport now = child.report(false, CHILD_ANSWER);
        progress(
            err,
            String.format(
                Locale.ROOT,
                "%,d of %,d events committed by the correlator; its heap %,d MiB, RSS %,d MiB",
                total - behind,
                total,
                now.heapUsed() >> 20,
                now.rss() >> 20));
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  private void printLoad(
      PrintWriter out,
      Samples sampled,
      Load bulk,
      long loadedNanos,
      boolean loadedInTime,
      ChildReport memory,
      ChildReport idle,
      long stateBytes) {
    out.printf(
        Locale.ROOT,
        "  input      TraceWorkload seed %d: %,d traces of %d-%d events, %,d events, JSON %,d MB"
            + " (mean %,d B per event), produced in %.1f s; before them %,d sample traces (%,d"
            + " events) over %s%n",
        common.seed,
        traces,
        minEvents,
        maxEvents,
        bulk.events(),
        bulk.bytes() / 1_000_000,
        bulk.bytes() / Math.max(1, bulk.events()),
        bulk.nanos() / 1e9,
        samples,
        sampled.events(),
        CorrelatorRunOptions.readable(sampleTime));
    out.println();
    out.printf(Locale.ROOT, "[1] memory of the correlator's JVM with %,d open traces%n", traces);
    out.printf(
        Locale.ROOT,
        "  loaded     every event committed by the correlator %.1f s after the first trace was"
            + " sent; %,d events stored; %,d timelines emitted so far%s%n",
        loadedNanos / 1e9,
        memory.eventsStored(),
        memory.timelines(),
        loadedInTime && memory.timelines() == 0
            ? " (all open)"
            : "  WARNING: not every trace was open when measured: raise --gap");
    out.printf(
        Locale.ROOT,
        "  heap       %,d MiB used after a full GC (System.gc(), then MemoryMXBean); committed %,d"
            + " MiB, max %,d MiB; before the load %,d MiB%n",
        memory.heapUsed() >> 20,
        memory.heapCommitted() >> 20,
        memory.heapMax() >> 20,
        idle.heapUsed() >> 20);
    out.printf(
        Locale.ROOT,
        "  rss        %s (VmRSS; peak so far %s); before the load %s%n",
        mib(memory.rss()),
        mib(memory.peakRss()),
        mib(idle.rss()));
    if (memory.jvmCommitted() > 0 && memory.rss() > 0) {
      out.printf(
          Locale.ROOT,
          "  of which   %s committed by the JVM itself (Native Memory Tracking: heap, metaspace,"
              + " threads, code, GC); the other %s is native memory the JVM does not track:"
              + " RocksDB's memtables, block cache and indexes, malloc's arenas (before the load"
              + " %s)%n",
          mib(memory.jvmCommitted()),
          mib(Math.max(0, memory.rss() - memory.jvmCommitted())),
          mib(Math.max(0, idle.rss() - idle.jvmCommitted())));
    }
    out.printf(
        Locale.ROOT,
        "  state dir  %,d MiB on disk (the RocksDB files of the correlator's stores)%n",
        stateBytes >> 20);
  }

  private void printLatency(
      PrintWriter out,
      Samples sampled,
      Map<String, Long> readTimes,
      long otherTimelines,
      int warmups,
      ChildReport last) {
    out.println();
    out.printf(
        Locale.ROOT,
        "[2] emit latency of %,d sample traces: time their timeline was read from %s - time their"
            + " last event was produced (send(), flushed at once) - inactivityGap%n",
        samples,
        Topics.TIMELINES);
    long[] latencies = latencies(sampled, readTimes, gap.toMillis());
    if (latencies.length == 0) {
      out.println("  WARNING: no sample's timeline was read");
      return;
    }
    Latencies l = Latencies.of(latencies);
    out.printf(
        Locale.ROOT,
        "  latency    p50 %,d ms  p99 %,d ms  max %,d ms  (min %,d ms; %,d of %,d samples)%s%n",
        l.p50(),
        l.p99(),
        l.max(),
        l.min(),
        l.count(),
        samples,
        l.count() == samples ? "" : "  WARNING: some samples' timelines never came");
    if (l.min() < 0) {
      out.println(
          "  (a negative latency: the trace closed one gap after its arrival on the correlator's"
              + " clock, which follows event time and lagged the wall clock by its processing delay"
              + " then; the delay shrank before the trace closed)");
    }
    out.printf(
        Locale.ROOT,
        "  meanwhile  %,d other timelines read (the %,d warm-up traces; no bulk trace closes before"
            + " its own gap)%s; the correlator's RSS %s, peak %s%n",
        otherTimelines,
        warmups,
        otherTimelines <= warmups ? "" : "  WARNING: bulk traces closed: raise --gap",
        mib(last.rss()),
        mib(last.peakRss()));
  }

  private void printSummary(
      PrintWriter out, ChildReport memory, Map<String, Long> readTimes, Samples sampled) {
    out.println();
    out.println("summary");
    out.printf(
        Locale.ROOT,
        "  heap after GC with %,d open traces  %,d MiB  (target: under %,d MiB: %s)%n",
        traces,
        memory.heapUsed() >> 20,
        HEAP_TARGET_BYTES >> 20,
        memory.heapUsed() < HEAP_TARGET_BYTES ? "met" : "missed");
    out.printf(
        Locale.ROOT,
        "  RSS of the correlator's JVM         %s  (heap + off-heap)%n",
        mib(memory.rss()));
    long[] latencies = latencies(sampled, readTimes, gap.toMillis());
    if (latencies.length > 0) {
      long p99 = Latencies.of(latencies).p99();
      out.printf(
          Locale.ROOT,
          "  emit latency p99                    %,d ms  (target: under %,d ms: %s)%n",
          p99,
          LATENCY_TARGET_MS,
          p99 < LATENCY_TARGET_MS ? "met" : "missed");
    }
    MachineInfo.printLoad(out, "end");
  }

  /** Latency per sample whose timeline was read. */
  private static long[] latencies(Samples sampled, Map<String, Long> readTimes, long gapMs) {
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < sampled.traceIds().size(); i++) {
      Long read = readTimes.get(sampled.traceIds().get(i));
      if (read != null) {
        values.add(read - sampled.producedAt().get(i) - gapMs);
      }
    }
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
  }

  private static long directorySize(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(OpenTracesBenchmark::size).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException gone) {
      return 0; // RocksDB deleted it meanwhile (compaction)
    }
  }

  private static void progress(PrintWriter err, String message) {
    err.println("traceline bench open-traces: " + message);
    err.flush();
  }
}
