package io.traceline.app.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.UsageException;
import io.traceline.app.cli.KafkaLogging;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.model.Topics;
import io.traceline.sink.kafka.SinkService;
import io.traceline.sink.kafka.SinkSettings;
import io.traceline.sink.opensearch.Doc;
import io.traceline.sink.opensearch.DocKind;
import io.traceline.sink.opensearch.Documents;
import io.traceline.sink.opensearch.ItemResult;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import io.traceline.sink.opensearch.OpenSearchSettings;
import io.traceline.sink.opensearch.OpenSearchUnavailableException;
import io.traceline.sink.opensearch.Outcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traceline bench sink}: the sink's indexing rate on the real OpenSearch, against a plain
 * bulk loop of the same documents in the same run.
 *
 * <p>Starts the real OpenSearch server ({@link EmbeddedOpenSearch}, a child process) and an {@link
 * EmbeddedKafka} broker (in this JVM), generates the timelines of a {@link TimelineInput} and
 * produces them to {@code traceline.timelines} before anything is measured. Then it alternates two
 * kinds of pass, each into freshly deleted indices: the <b>bulk loop</b>, {@link
 * OpenSearchIndexer#index} over the same records' bytes held in memory, in batches of the sink's
 * batch size, one after the other on one thread; and the <b>sink</b>, {@link SinkService} as
 * production runs it (production settings but the group id, a fresh one each pass) reading the
 * topic from its start, measured from the moment its group has its partitions until its committed
 * offsets reach the end offsets. Warm-up passes of both kinds (not counted) come first, then the
 * measured passes in the order bulk, sink, sink, bulk, bulk, sink, ... so that drift favours
 * neither. After each pass it checks that the alias holds every timeline once at its latest
 * revision. Everything but OpenSearch runs in this process; picocli creates one instance per run.
 */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the sink's indexing rate on the real OpenSearch (a child process) and an embedded",
      "Kafka broker: generates realistic timelines (fixed seed) and produces them to",
      "traceline.timelines, then alternates passes of a plain bulk loop (OpenSearchIndexer.index",
      "over the same bytes held in memory) and of the sink (SinkService, as production runs it,",
      "reading the topic), each into fresh indices, and reports timelines/s and the sink's ratio",
      "to the bulk loop. Results on stdout, progress on stderr."
    })
public final class SinkBenchmark implements Callable<Integer> {

  /** The sink's rate the target asks for, as a fraction of the bulk loop's. */
  static final double TARGET_RATIO = 0.8;

  /** Start of the simulated clock: the other benchmarks', 2025-11-14T09:12:00Z. */
  static final long START_EPOCH_MS = IngestInput.START_EPOCH_MS;

  private static final int MAX_TIMELINES = 1_000_000;

  /** Most events of a trace: a timeline carries at most 500 (the correlator's default bound). */
  private static final int MAX_TRACE_EVENTS = 500;

  /**
   * JSON bytes of a timeline per event it carries, rounded up: the default input's timelines are
   * 17,849 B for 17.7 events on average (the events' own JSON, plus segments, gaps and edges).
   */
  static final long BYTES_PER_EVENT = 1_100;

  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[mMgG]");
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration MAX_PASS = Duration.ofMinutes(30);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  @Option(
      names = "--timelines",
      defaultValue = "10000",
      description = "Traces, so distinct timelines, to generate (default: ${DEFAULT-VALUE}).")
  int timelines;

  @Option(
      names = "--revised",
      defaultValue = "10",
      description =
          "Percentage of the traces that also get a second revision, later in the topic"
              + " (default: ${DEFAULT-VALUE}).")
  int revisedPercent;

  @Option(
      names = "--batch-size",
      defaultValue = "500",
      description =
          "The sink's batchSize (records per poll and bulk request) and the bulk loop's batch"
              + " (default: ${DEFAULT-VALUE}, the sink's default).")
  int batchSize;

  @Option(
      names = "--passes",
      defaultValue = "2",
      description = "Measured passes of each kind, after the warm-up (default: ${DEFAULT-VALUE}).")
  int passes;

  @Option(
      names = "--warmup-passes",
      defaultValue = "2",
      description =
          "Passes of each kind first, alternated and not counted, while OpenSearch's code is"
              + " compiled (default: ${DEFAULT-VALUE}; 0 for none).")
  int warmupPasses;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions of traceline.timelines (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--opensearch-heap",
      defaultValue = "1g",
      description = "OpenSearch's heap, -Xms and -Xmx (default: ${DEFAULT-VALUE}).")
  String opensearchHeap;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the generated timelines (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin TraceSizeOptions sizes;

  @Spec CommandSpec spec;

  /** The two kinds of pass. */
  private enum Kind {
    BULK("bulk loop"),
    SINK("sink");

    final String title;

    Kind(String title) {
      this.title = title;
    }
  }

  /**
   * One measured pass.
   *
   * @param kind what ran
   * @param nanos the measured time
   */
  private record Pass(Kind kind, long nanos) {}

  /** What a pass runs on: the servers, the input, and its documents for the bulk loop. */
  private record Setup(
      EmbeddedOpenSearch search,
      EmbeddedKafka kafka,
      Admin admin,
      OpenSearchIndexer indexer,
      TimelineInput input,
      List<Doc> docs,
      Map<TopicPartition, Long> ends) {}

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KafkaLogging.errorsOnly(); // the broker runs inside this process
    printHeader(out);

    progress(err, "generating the timelines...");
    long generating = System.nanoTime();
    TimelineInput input =
        TimelineInput.generate(
            seed,
            START_EPOCH_MS,
            timelines,
            sizes.minEvents,
            sizes.maxEvents,
            revisedPercent / 100.0);
    generating = System.nanoTime() - generating;
    List<Doc> docs = new ArrayList<>(input.records().size());
    for (TimelineInput.TimelineRecord r : input.records()) {
      docs.add(
          Documents.of(DocKind.TIMELINE, r.traceId().getBytes(StandardCharsets.UTF_8), r.value()));
    }
    printInput(out, input, generating);

    progress(err, "starting OpenSearch and an embedded Kafka broker...");
    try (EmbeddedOpenSearch search = EmbeddedOpenSearch.start(javaOpts());
        EmbeddedKafka kafka = BenchKafka.startBroker(partitions);
        Admin admin = BenchKafka.admin(kafka.bootstrapServers());
        OpenSearchIndexer indexer =
            OpenSearchIndexer.create(OpenSearchSettings.of(search.httpUri()))) {
      progress(err, "producing the timelines...");
      long producing = produce(kafka.bootstrapServers(), input);
      Map<TopicPartition, Long> ends = BenchKafka.endOffsets(admin, Topics.TIMELINES, partitions);
      printTopic(out, input, ends, producing);
      Setup setup = new Setup(search, kafka, admin, indexer, input, docs, ends);

      List<Kind> order = new ArrayList<>();
      for (int i = 0; i < passes; i++) {
        order.addAll(i % 2 == 0 ? List.of(Kind.BULK, Kind.SINK) : List.of(Kind.SINK, Kind.BULK));
      }
      for (int i = 1; i <= warmupPasses; i++) {
        for (Kind kind : List.of(Kind.BULK, Kind.SINK)) {
          progress(err, "warm-up " + i + ": " + kind.title + " (not counted)...");
          out.println();
          out.printf(Locale.ROOT, "warm-up %d: %s, not counted%n", i, kind.title);
          run(out, setup, kind, "warmup-" + i);
        }
      }
      List<Pass> measured = new ArrayList<>();
      for (int i = 0; i < order.size(); i++) {
        Kind kind = order.get(i);
        progress(err, "[" + (i + 1) + "] " + kind.title + "...");
        out.println();
        out.printf(Locale.ROOT, "[%d] %s: %s%n", i + 1, kind.title, describe(kind));
        measured.add(run(out, setup, kind, Integer.toString(i + 1)));
      }
      printSummary(out, input, measured);
    }
    out.flush();
    return 0;
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (timelines < 1 || timelines > MAX_TIMELINES) {
      problems.add(
          String.format(
              Locale.ROOT,
              "--timelines must be between 1 and %,d, was %,d",
              MAX_TIMELINES,
              timelines));
    }
    if (revisedPercent < 0 || revisedPercent > 100) {
      problems.add("--revised must be between 0 and 100, was " + revisedPercent);
    }
    String sizeProblem =
        TraceSizeOptions.problem(sizes.minEvents, sizes.maxEvents, MAX_TRACE_EVENTS);
    if (sizeProblem != null) {
      problems.add(sizeProblem);
    }
    if (problems.isEmpty()) {
      // Every record is held in memory (the bulk loop's input), and the sink's consumer buffers
      // some more.
      double events =
          timelines * (1 + revisedPercent / 100.0) * (sizes.minEvents + sizes.maxEvents) / 2.0;
      long needed = ((long) events) * BYTES_PER_EVENT;
      long max = Runtime.getRuntime().maxMemory();
      if (needed > max / 2) {
        problems.add(
            String.format(
                Locale.ROOT,
                "the timelines of --timelines and --min-events/--max-events take about %,d MiB,"
                    + " more than half of the %,d MiB of heap: raise -Xmx (TRACELINE_JAVA_OPTS) or"
                    + " generate fewer",
                needed >> 20,
                max >> 20));
      }
    }
    if (batchSize < 1 || batchSize > 10_000) {
      problems.add("--batch-size must be between 1 and 10,000, was " + batchSize);
    }
    if (passes < 1 || passes > 20) {
      problems.add("--passes must be between 1 and 20, was " + passes);
    }
    if (warmupPasses < 0 || warmupPasses > 20) {
      problems.add("--warmup-passes must be between 0 and 20, was " + warmupPasses);
    }
    if (partitions < 1 || partitions > 64) {
      problems.add("--partitions must be between 1 and 64, was " + partitions);
    }
    if (opensearchHeap == null || !HEAP.matcher(opensearchHeap).matches()) {
      problems.add("--opensearch-heap must be a size such as 512m or 1g, was " + opensearchHeap);
    }
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid bench sink options", problems);
    }
  }

  private String javaOpts() {
    return "-Xms" + opensearchHeap + " -Xmx" + opensearchHeap;
  }

  private void printHeader(PrintWriter out) {
    out.println(
        "traceline bench sink: the sink's indexing rate on OpenSearch, against a plain bulk loop of"
            + " the same documents");
    MachineInfo.print(
        out,
        "the broker, the producer, the sink and the bulk loop share them (one JVM) with OpenSearch"
            + " (a child process)");
    MachineInfo.printLoad(out, "start");
    out.printf(
        Locale.ROOT,
        "  opensearch %s (integ-test distribution), one node, child process, %s%n",
        EmbeddedOpenSearch.VERSION,
        javaOpts());
    SinkSettings sink = sinkSettings("-", "-");
    out.printf(
        Locale.ROOT,
        "  sink       SinkService with production settings but the group id: batchSize %d,"
            + " backoff %d ms to %d s, consumer and producer defaults%n",
        sink.batchSize(),
        sink.initialBackoff().toMillis(),
        sink.maxBackoff().toSeconds());
  }

  private void printInput(PrintWriter out, TimelineInput input, long nanos) {
    int records = input.records().size();
    out.printf(
        Locale.ROOT,
        "  input      TraceWorkload seed %d: %,d traces of %d-%d events (uniform), each assembled"
            + " by TimelineAssembler (default settings); %d%% also revised (revision 2 with every"
            + " event, %d traces later)%n",
        seed,
        input.timelines(),
        sizes.minEvents,
        sizes.maxEvents,
        revisedPercent,
        TimelineInput.REVISION_DELAY);
    out.printf(
        Locale.ROOT,
        "  timelines  %,d records (%,d first revisions + %,d second), %,d events; JSON %,d B, mean"
            + " %,d B per timeline; generated in %.1f s%n",
        records,
        input.timelines(),
        input.revisions(),
        input.events(),
        input.bytes(),
        input.bytes() / Math.max(1, records),
        nanos / 1e9);
  }

  /** Produces every record to the timelines topic; returns the nanoseconds it took. */
  private static long produce(String bootstrapServers, TimelineInput input) {
    long start = System.nanoTime();
    SendFailures failures = new SendFailures();
    try (KafkaProducer<String, byte[]> producer = BenchKafka.producer(bootstrapServers)) {
      for (TimelineInput.TimelineRecord r : input.records()) {
        var unused =
            producer.send(new ProducerRecord<>(Topics.TIMELINES, r.traceId(), r.value()), failures);
      }
      producer.flush();
    }
    failures.check();
    return System.nanoTime() - start;
  }

  private void printTopic(
      PrintWriter out, TimelineInput input, Map<TopicPartition, Long> ends, long nanos) {
    long records = ends.values().stream().mapToLong(Long::longValue).sum();
    out.printf(
        Locale.ROOT,
        "  topic      %s: %d partitions, %,d records (lz4, acks=all), produced in %.1f s before"
            + " measuring%n",
        Topics.TIMELINES,
        partitions,
        records,
        nanos / 1e9);
    if (records != input.records().size()) {
      out.printf(
          Locale.ROOT,
          "  WARNING: %,d records sent but the topic holds %,d%n",
          input.records().size(),
          records);
    }
  }

  private String describe(Kind kind) {
    return switch (kind) {
      case BULK ->
          String.format(
              Locale.ROOT,
              "OpenSearchIndexer.index over the records' bytes in memory, batches of %d in the"
                  + " order produced, one thread, fresh indices",
              batchSize);
      case SINK ->
          "SinkService from the topic's start, fresh group and indices, from the group's"
              + " assignment until every offset is committed";
    };
  }

  /** Deletes the indices, runs one pass of {@code kind}, prints and checks it. */
  private Pass run(PrintWriter out, Setup setup, Kind kind, String label) {
    BenchOpenSearch.deleteIndices(setup.search());
    installTemplates(setup.indexer());
    BenchOpenSearch.IndexingStats before = BenchOpenSearch.indexingStats(setup.search());
    Timed timed = kind == Kind.BULK ? bulkLoop(setup) : sink(out, setup, label);
    long nanos = timed.nanos();
    BenchOpenSearch.IndexingStats indexing =
        BenchOpenSearch.indexingStats(setup.search()).minus(before);
    TimelineInput input = setup.input();
    int records = input.records().size();
    double seconds = nanos / 1e9;
    out.printf(
        Locale.ROOT,
        "  measured   %.2f s %,10d timelines %,10.0f timelines/s %6.1f MB/s%n",
        seconds,
        records,
        records / seconds,
        input.bytes() / 1e6 / seconds);
    out.printf(
        Locale.ROOT,
        "  requests   %s bulk requests, %s documents each on average%s%n",
        timed.requests() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", timed.requests()),
        timed.requests() <= 0
            ? "n/a"
            : String.format(Locale.ROOT, "%.1f", (double) records / timed.requests()),
        kind == Kind.SINK ? " (the consumer's commits: one per poll, after its bulk request)" : "");
    out.println(timed.outcomes());
    out.printf(
        Locale.ROOT,
        "  opensearch %,d documents indexed, %.1f s of indexing time by the shard (%.0f%% of the"
            + " pass)%n",
        indexing.documents(),
        indexing.indexMillis() / 1e3,
        100.0 * indexing.indexMillis() / (nanos / 1e6));
    BenchOpenSearch.Stored stored = BenchOpenSearch.timelines(setup.search());
    boolean ok =
        stored.documents() == input.timelines() && stored.revisionSum() == input.revisionSum();
    out.printf(
        Locale.ROOT,
        "  stored     %,d documents in %s, revisions summing to %,d (expected %,d and %,d: each"
            + " timeline once at its latest revision)%s%n",
        stored.documents(),
        DocKind.TIMELINE.alias(),
        stored.revisionSum(),
        input.timelines(),
        input.revisionSum(),
        ok ? "" : "  WARNING: not what was sent");
    out.flush();
    return new Pass(kind, nanos);
  }

  private static void installTemplates(OpenSearchIndexer indexer) {
    try {
      indexer.installTemplates();
    } catch (OpenSearchUnavailableException e) {
      throw new IllegalStateException("OpenSearch did not take the index templates", e);
    }
  }

  /**
   * A pass's measured time and the bulk requests it sent.
   *
   * @param nanos the measured time
   * @param requests bulk requests, or -1 when unknown
   * @param outcomes the report's line saying what became of the documents
   */
  private record Timed(long nanos, long requests, String outcomes) {}

  /** The bulk loop: every document, in batches, one bulk request after the other. */
  private Timed bulkLoop(Setup setup) {
    List<Doc> docs = setup.docs();
    Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    long requests = 0;
    long start = System.nanoTime();
    for (int from = 0; from < docs.size(); from += batchSize) {
      requests++;
      List<ItemResult> results;
      try {
        results =
            setup.indexer().index(docs.subList(from, Math.min(from + batchSize, docs.size())));
      } catch (OpenSearchUnavailableException e) {
        throw new IllegalStateException("the bulk loop's request failed", e);
      }
      for (ItemResult r : results) {
        outcomes.merge(r.outcome(), 1L, Long::sum);
      }
    }
    long nanos = System.nanoTime() - start;
    long indexed = outcomes.getOrDefault(Outcome.INDEXED, 0L);
    String line =
        String.format(
            Locale.ROOT,
            "  items      %,d indexed, %,d otherwise%s",
            indexed,
            docs.size() - indexed,
            indexed == docs.size() ? "" : "  WARNING: outcomes " + outcomes);
    return new Timed(nanos, requests, line);
  }

  /**
   * The sink: a {@link SinkService} with a fresh group, from its start until the group has
   * committed every offset; returns the time from its assignment to then, and its consumer's
   * commits: one per poll, once the poll's bulk request is acknowledged.
   */
  private Timed sink(PrintWriter out, Setup setup, String label) {
    String group = "traceline-bench-sink-" + label;
    MeterRegistry registry = new SimpleMeterRegistry();
    // The input's months lie in the past: the sink's clock is set to just after the input, so that
    // its retention (run at start) does not see the pass's indices as expired.
    Clock clock =
        Clock.offset(
            Clock.systemUTC(),
            Duration.between(
                Instant.now(), Instant.ofEpochMilli(START_EPOCH_MS + timelines + 60_000L)));
    long start;
    long assigned = -1;
    long done;
    long commits;
    try (SinkService service =
        new SinkService(
            sinkSettings(setup.kafka().bootstrapServers(), group),
            setup.indexer(),
            registry,
            clock)) {
      start = System.nanoTime();
      service.start();
      long deadline = start + MAX_PASS.toNanos();
      while (true) {
        if (service.isStopped()) {
          throw new IllegalStateException("the sink stopped: " + service.failure());
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the sink did not commit every offset in time");
        }
        if (assigned < 0 && hasPartitions(setup.admin(), group)) {
          assigned = System.nanoTime();
        }
        if (assigned >= 0 && BenchKafka.uncommitted(setup.admin(), group, setup.ends()) == 0) {
          done = System.nanoTime();
          break;
        }
        LockSupport.parkNanos(POLL.toNanos());
      }
      commits = commits(group);
    }
    out.printf(
        Locale.ROOT,
        "  startup    %.2f s from start() to the group's assignment (not counted)%n",
        (assigned - start) / 1e9);
    long indexed = BenchMeters.sum(registry, "traceline.sink.documents", "indexed");
    long others =
        BenchMeters.sum(registry, "traceline.sink.documents")
            - indexed
            + BenchMeters.sum(registry, "traceline.sink.dead.letters")
            + BenchMeters.sum(registry, "traceline.sink.retries");
    int records = setup.input().records().size();
    String line =
        String.format(
            Locale.ROOT,
            "  counters   traceline.sink.documents %,d indexed, %,d stale, %,d retryable, %,d"
                + " rejected; %,d dead letters, %,d retries%s",
            indexed,
            BenchMeters.sum(registry, "traceline.sink.documents", "stale"),
            BenchMeters.sum(registry, "traceline.sink.documents", "retryable"),
            BenchMeters.sum(registry, "traceline.sink.documents", "rejected"),
            BenchMeters.sum(registry, "traceline.sink.dead.letters"),
            BenchMeters.sum(registry, "traceline.sink.retries"),
            indexed == records && others == 0
                ? ""
                : "  WARNING: expected every record indexed once, nothing else");
    return new Timed(done - assigned, commits, line);
  }

  /**
   * The offset commits of the group's consumer so far, from its own metrics ({@code commit-total}
   * over JMX); -1 when they cannot be read.
   */
  private static long commits(String group) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long total = 0;
    boolean found = false;
    try {
      for (ObjectName name :
          server.queryNames(
              new ObjectName("kafka.consumer:type=consumer-coordinator-metrics,client-id=*"),
              null)) {
        if (name.getKeyProperty("client-id").contains(group)) {
          total += ((Number) server.getAttribute(name, "commit-total")).longValue();
          found = true;
        }
      }
    } catch (JMException e) {
      return -1;
    }
    return found ? total : -1;
  }

  /** The sink's settings: production's defaults with this run's batch size and group. */
  private SinkSettings sinkSettings(String bootstrapServers, String group) {
    SinkSettings defaults = SinkSettings.of(bootstrapServers);
    return new SinkSettings(
        bootstrapServers,
        group,
        batchSize,
        defaults.initialBackoff(),
        defaults.maxBackoff(),
        defaults.retentionInterval(),
        defaults.properties());
  }

  /** Whether the group is stable with every member's partitions assigned. */
  private static boolean hasPartitions(Admin admin, String group) {
    ConsumerGroupDescription description;
    try {
      description =
          admin
              .describeConsumerGroups(List.of(group))
              .describedGroups()
              .get(group)
              .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return false; // no member has joined yet
      }
      throw new IllegalStateException("could not describe the group " + group, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not describe the group " + group, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing the group " + group, e);
    }
    if (description.groupState() != GroupState.STABLE || description.members().isEmpty()) {
      return false;
    }
    for (MemberDescription member : description.members()) {
      if (member.assignment().topicPartitions().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private void printSummary(PrintWriter out, TimelineInput input, List<Pass> measured) {
    int records = input.records().size();
    Map<Kind, List<Measurement.Iteration>> byKind = new EnumMap<>(Kind.class);
    for (Pass p : measured) {
      // Measurement's "events" are the timeline records here.
      byKind
          .computeIfAbsent(p.kind(), k -> new ArrayList<>())
          .add(new Measurement.Iteration(records, input.bytes(), p.nanos(), 0, -1));
    }
    Measurement.Summary bulk = Measurement.Summary.of(byKind.get(Kind.BULK));
    Measurement.Summary sink = Measurement.Summary.of(byKind.get(Kind.SINK));
    double ratio = sink.mean() / bulk.mean();
    out.println();
    out.printf(
        Locale.ROOT,
        "summary (target: the sink at %.1fx the bulk loop or more; means of %d measured pass%s"
            + " each)%n",
        TARGET_RATIO,
        passes,
        passes == 1 ? "" : "es");
    printMean(out, Kind.BULK, bulk, "");
    printMean(
        out,
        Kind.SINK,
        sink,
        String.format(Locale.ROOT, "  %.2fx: %s", ratio, ratio >= TARGET_RATIO ? "met" : "missed"));
    MachineInfo.printLoad(out, "end");
  }

  private static void printMean(PrintWriter out, Kind kind, Measurement.Summary s, String verdict) {
    out.printf(
        Locale.ROOT,
        "  %-10s %,10.0f timelines/s ± %,.0f (sd; min %,.0f, max %,.0f) %6.1f MB/s%s%n",
        kind.title,
        s.mean(),
        s.sd(),
        s.min(),
        s.max(),
        s.meanMegabytesPerSecond(),
        verdict);
  }

  private static void progress(PrintWriter err, String message) {
    err.println("traceline bench sink: " + message);
    err.flush();
  }
}
