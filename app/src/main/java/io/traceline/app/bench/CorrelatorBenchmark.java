package io.traceline.app.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.UsageException;
import io.traceline.app.cli.DurationConverter;
import io.traceline.app.cli.KafkaLogging;
import io.traceline.app.correlate.CorrelatorService;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.embedded.EmbeddedKafka;
import io.traceline.model.LogEvent;
import io.traceline.model.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traceline bench correlator}: sustained throughput of the correlator on a real broker,
 * against a plain consumer reading the same topic.
 *
 * <p>Starts an {@link EmbeddedKafka} broker, loads {@code traceline.events} with a {@link
 * TraceSchedule} (concurrent traces of a {@link TraceWorkload}, JSON as ingest writes it, keyed by
 * trace id) before anything is measured, then measures (1) a {@link KafkaConsumer} of bytes ({@code
 * read_committed}, no processing) reading the topic from its start to its end offsets, (2) unless
 * {@code --no-reference}, the two {@link StreamsFloor} topologies with the first guarantee asked
 * for: Kafka Streams doing nothing, and Kafka Streams storing each event in a changelogged store,
 * the framework's floor under any design that buffers each event durably, and (3) for each
 * processing guarantee asked for, the correlator as production runs it ({@link CorrelatorService}
 * over {@code CorrelatorTopology.build}). Every Streams pass has a fresh application id and state
 * and is measured alike: from RUNNING until its consumer group's committed offsets reach the end
 * offsets. After each correlator pass it waits, unmeasured, until the last traces closed and checks
 * that every event was stored and every trace emitted once. The target is the correlator's; the
 * references are not judged. Everything runs in this process; picocli creates one instance per run.
 */
@Command(
    name = "correlator",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the correlator's sustained throughput on an embedded Kafka broker (KRaft): loads",
      "traceline.events with concurrent synthetic traces (fixed seed), then measures a plain",
      "consumer reading the topic, two reference Kafka Streams topologies (one doing nothing, one",
      "storing each event in a changelogged RocksDB store: the framework's floor) and the",
      "correlator (CorrelatorService, as production runs it) processing it, and reports events/s",
      "and their ratio to the plain consumer's. Results on stdout, progress on stderr."
    })
public final class CorrelatorBenchmark implements Callable<Integer> {

  /** Start of the simulated clock: the ingest benchmark's, 2025-11-14T09:12:00Z. */
  static final long START_EPOCH_MS = IngestInput.START_EPOCH_MS;

  /** Longest delivery lag of a log group in the generated traffic. */
  static final long MAX_LAG_MS = 1_000;

  /** The throughput the correlator should reach, as a fraction of the plain consumer's. */
  static final double TARGET_RATIO = 0.4;

  /** The topic of the correlator's warm-up input. */
  static final String WARMUP_TOPIC = "traceline.bench.warmup";

  private static final int PLAIN_PASSES = 3;
  private static final long MAX_EVENTS = 20_000_000;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration MAX_RUN = Duration.ofMinutes(30);

  @Option(
      names = "--events",
      defaultValue = "500000",
      description = "Events to generate (complete traces; a few more) (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--traces-per-second",
      defaultValue = "1000",
      description =
          "Request rate of the generated traffic, in simulated time (default: ${DEFAULT-VALUE}).")
  double tracesPerSecond;

  @Option(
      names = "--guarantee",
      split = ",",
      defaultValue = "exactly_once_v2,at_least_once",
      description =
          "Processing guarantees to measure, in order: exactly_once_v2 (production's default),"
              + " at_least_once (default: ${DEFAULT-VALUE}).")
  List<String> guarantees;

  @Option(
      names = "--gap",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "The correlator's inactivityGap (default: ${DEFAULT-VALUE}).")
  Duration gap;

  @Option(
      names = "--close-check",
      defaultValue = "250ms",
      converter = DurationConverter.class,
      description = "The correlator's closeCheckInterval (default: ${DEFAULT-VALUE}).")
  Duration closeCheck;

  @Option(
      names = "--warmup-events",
      defaultValue = "100000",
      description =
          "Events of a separate topic the correlator processes first, not measured, so that its"
              + " code is compiled before it is measured (default: ${DEFAULT-VALUE}; 0 for none).")
  long warmupEvents;

  @Option(
      names = "--reference",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Measure the Kafka Streams reference passes (no processing; each event stored) with the"
              + " first guarantee before the correlator; --no-reference skips them (default:"
              + " ${DEFAULT-VALUE}).")
  boolean reference;

  @Mixin TraceSizeOptions sizes;

  @Mixin CorrelatorRunOptions common;

  @Spec CommandSpec spec;

  /** What was loaded into the topic. */
  private record Input(long events, long traces, long bytes, long simulatedMs, long nanos) {}

  /**
   * The result of a measured reader of the topic; a reference's ratio to the plain consumer is
   * printed but not judged against the target.
   */
  private record Pass(String name, double eventsPerSecond, boolean reference) {}

  /** The broker side of a run: the broker, its admin client, where the correlators keep state. */
  private record Cluster(EmbeddedKafka kafka, Admin admin, Path stateRoot) {}

  /**
   * A Streams pass's times: from start() to RUNNING, and from RUNNING to every offset committed.
   */
  private record Timing(long startupNanos, long processingNanos) {}

  /** A measured Kafka Streams client, as {@link #process} sees it: how to start and watch it. */
  private record Client(
      String name,
      Runnable start,
      Supplier<KafkaStreams.State> state,
      Supplier<Throwable> failure) {

    static Client of(CorrelatorService service) {
      return new Client("the correlator", service::start, service::state, service::failure);
    }

    static Client of(StreamsFloor floor) {
      return new Client("Kafka Streams", floor::start, floor::state, floor::failure);
    }
  }

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KafkaLogging.errorsOnly(); // the broker runs inside this process
    printHeader(out);
    Path stateRoot = Files.createTempDirectory("traceline-bench-correlator-");
    progress(err, "starting an embedded Kafka broker...");
    try (EmbeddedKafka kafka = BenchKafka.startBroker(common.partitions);
        Admin admin = BenchKafka.admin(kafka.bootstrapServers())) {
      Cluster cluster = new Cluster(kafka, admin, stateRoot);
      progress(err, "generating and producing the input...");
      Input input;
      Input warmup = null;
      try (KafkaProducer<String, byte[]> producer = BenchKafka.producer(kafka.bootstrapServers())) {
        input = load(producer, Topics.EVENTS, events, common.seed);
        if (warmupEvents > 0) {
          kafka.createTopic(WARMUP_TOPIC, common.partitions);
          warmup = load(producer, WARMUP_TOPIC, warmupEvents, common.seed + 1);
        }
      }
      Map<TopicPartition, Long> ends =
          BenchKafka.endOffsets(admin, Topics.EVENTS, common.partitions);
      printInput(out, input, ends);

      progress(err, "[1] plain consumer...");
      List<Pass> passes = new ArrayList<>();
      Pass plain = plainConsumer(out, kafka.bootstrapServers(), ends, input);
      passes.add(plain);
      if (warmup != null) {
        progress(err, "warming the correlator up (not measured)...");
        warmUp(out, cluster, warmup);
      }
      if (reference) {
        for (StreamsFloor.Kind kind : StreamsFloor.Kind.values()) {
          int number = passes.size() + 1;
          progress(err, "[" + number + "] " + kind.title() + " (reference)...");
          passes.add(referencePass(out, cluster, number, kind, ends, input, plain));
        }
      }
      for (String guarantee : guarantees) {
        int number = passes.size() + 1;
        progress(err, "[" + number + "] correlator, " + guarantee + "...");
        passes.add(correlator(out, cluster, number, guarantee, ends, input, plain));
      }
      printSummary(out, passes);
    } finally {
      BenchKafka.deleteQuietly(stateRoot, err);
    }
    out.flush();
    return 0;
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (events < 1 || events > MAX_EVENTS) {
      problems.add(
          String.format(
              Locale.ROOT, "--events must be between 1 and %,d, was %,d", MAX_EVENTS, events));
    }
    if (!(tracesPerSecond > 0 && tracesPerSecond <= 10_000)) {
      problems.add("--traces-per-second must be in (0, 10000], was " + tracesPerSecond);
    }
    if (warmupEvents < 0 || warmupEvents > MAX_EVENTS) {
      problems.add(
          String.format(
              Locale.ROOT,
              "--warmup-events must be between 0 and %,d, was %,d",
              MAX_EVENTS,
              warmupEvents));
    }
    problems.addAll(
        common.problems(gap, closeCheck, sizes.minEvents, sizes.maxEvents, 500, guarantees));
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid bench correlator options", problems);
    }
  }

  private void printHeader(PrintWriter out) {
    out.println(
        "traceline bench correlator: correlator throughput on an embedded broker, against a plain"
            + " consumer");
    MachineInfo.print(
        out, "the broker, the producer, the consumers and the correlator share them (one JVM)");
    MachineInfo.printLoad(out, "start");
    out.printf(
        Locale.ROOT,
        "  correlator inactivityGap %s, closeCheckInterval %s, other settings the defaults;"
            + " commit.interval.ms 200 (CorrelatorService)%n",
        CorrelatorRunOptions.readable(gap),
        CorrelatorRunOptions.readable(closeCheck));
  }

  /**
   * Generates {@code limit} events (and the rest of their traces) with {@code workloadSeed} and
   * produces them to {@code topic}; returns once every record is acknowledged.
   */
  private Input load(
      KafkaProducer<String, byte[]> producer, String topic, long limit, long workloadSeed) {
    TraceSchedule schedule =
        new TraceSchedule(
            workloadSeed,
            START_EPOCH_MS,
            tracesPerSecond,
            sizes.minEvents,
            sizes.maxEvents,
            MAX_LAG_MS,
            limit);
    SendFailures failures = new SendFailures();
    long count = 0;
    long bytes = 0;
    long lastArrival = START_EPOCH_MS;
    long start = System.nanoTime();
    for (LogEvent e = schedule.next(); e != null; e = schedule.next()) {
      ProducerRecord<String, byte[]> record = BenchKafka.eventRecord(topic, e);
      var unused = producer.send(record, failures);
      count++;
      bytes += record.value().length;
      lastArrival = Math.max(lastArrival, e.ingestedAt());
    }
    producer.flush();
    failures.check();
    return new Input(
        count, schedule.traces(), bytes, lastArrival - START_EPOCH_MS, System.nanoTime() - start);
  }

  private void printInput(PrintWriter out, Input in, Map<TopicPartition, Long> ends) {
    out.printf(
        Locale.ROOT,
        "  input      TraceWorkload seed %d: %s traces/s for %.1f s simulated, %d-%d events per"
            + " trace (uniform), delivery lag 0-%d ms per log group%n",
        common.seed,
        IngestBenchmark.number(tracesPerSecond),
        in.simulatedMs() / 1e3,
        sizes.minEvents,
        sizes.maxEvents,
        MAX_LAG_MS);
    out.printf(
        Locale.ROOT,
        "  events     %,d in %,d traces (%.1f per trace), 5 services; JSON %,d B, mean %,d B per"
            + " event%n",
        in.events(),
        in.traces(),
        (double) in.events() / Math.max(1, in.traces()),
        in.bytes(),
        in.bytes() / Math.max(1, in.events()));
    long records = ends.values().stream().mapToLong(Long::longValue).sum();
    out.printf(
        Locale.ROOT,
        "  topic      %s: %d partitions, %,d records (lz4, acks=all), produced in %.1f s before"
            + " measuring%n",
        Topics.EVENTS,
        common.partitions,
        records,
        in.nanos() / 1e9);
    if (records != in.events()) {
      out.printf(
          Locale.ROOT,
          "  WARNING: %,d events sent but the topic holds %,d%n",
          in.events(),
          records);
    }
  }

  /**
   * The plain consumer: one pass to warm up, then {@link #PLAIN_PASSES} measured passes over the
   * whole topic; the rate to compare with is their mean.
   */
  private static Pass plainConsumer(
      PrintWriter out, String bootstrapServers, Map<TopicPartition, Long> ends, Input input) {
    out.println();
    out.printf(
        Locale.ROOT,
        "[1] plain consumer: KafkaConsumer<byte[], byte[]>, read_committed, one thread, client"
            + " defaults, from the start to the end offsets; a warm-up pass, then %d measured%n",
        PLAIN_PASSES);
    printIteration(out, "warm-up", readAll(bootstrapServers, ends, input));
    List<Measurement.Iteration> measured = new ArrayList<>();
    for (int i = 1; i <= PLAIN_PASSES; i++) {
      Measurement.Iteration it = readAll(bootstrapServers, ends, input);
      measured.add(it);
      printIteration(out, "pass " + i, it);
    }
    Measurement.Summary s = Measurement.Summary.of(measured);
    out.printf(
        Locale.ROOT,
        "  %-10s %,17.0f events/s ± %,.0f (sd; min %,.0f, max %,.0f) %6.1f MB/s%n",
        "mean",
        s.mean(),
        s.sd(),
        s.min(),
        s.max(),
        s.meanMegabytesPerSecond());
    return new Pass("plain consumer", s.mean(), false);
  }

  /** Reads the whole topic once; checks that every event came. */
  private static Measurement.Iteration readAll(
      String bootstrapServers, Map<TopicPartition, Long> ends, Input input) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long records = 0;
    long bytes = 0;
    long start = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      long deadline = start + MAX_RUN.toNanos();
      while (!atEnd(consumer, ends)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the plain consumer did not reach the end in time");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          records++;
          bytes += r.value().length;
        }
      }
    }
    long nanos = System.nanoTime() - start;
    if (records != input.events()) {
      throw new IllegalStateException(
          "the plain consumer read " + records + " events, not " + input.events());
    }
    return new Measurement.Iteration(records, bytes, nanos, 0, -1);
  }

  private static void printIteration(PrintWriter out, String label, Measurement.Iteration it) {
    out.printf(
        Locale.ROOT,
        "  %-10s %7.2f s %,12d events %,12.0f events/s %6.1f MB/s%n",
        label,
        it.seconds(),
        it.events(),
        it.eventsPerSecond(),
        it.megabytesPerSecond());
  }

  private static boolean atEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The correlator over the warm-up topic with its own group and state; not measured. */
  private void warmUp(PrintWriter out, Cluster cluster, Input warmup) {
    String guarantee = guarantees.get(0);
    String applicationId = "traceline-bench-warmup";
    Map<TopicPartition, Long> ends =
        BenchKafka.endOffsets(cluster.admin(), WARMUP_TOPIC, common.partitions);
    CorrelatorSettings settings = settings().toBuilder().inputTopic(WARMUP_TOPIC).build();
    Timing t;
    try (CorrelatorService service =
        service(cluster, applicationId, settings, guarantee, new SimpleMeterRegistry())) {
      t = process(Client.of(service), cluster.admin(), applicationId, ends);
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "warm-up: the correlator (%s) over %,d other events (%s, seed %d), not measured: %.1f"
            + " s, %,.0f events/s%n",
        guarantee,
        warmup.events(),
        WARMUP_TOPIC,
        common.seed + 1,
        t.processingNanos() / 1e9,
        warmup.events() / (t.processingNanos() / 1e9));
  }

  /**
   * Runs a {@link StreamsFloor} topology with the first guarantee over the whole topic with a fresh
   * group and fresh state; measures it as {@link #correlator} measures the correlator.
   */
  private Pass referencePass(
      PrintWriter out,
      Cluster cluster,
      int number,
      StreamsFloor.Kind kind,
      Map<TopicPartition, Long> ends,
      Input input,
      Pass plain) {
    String guarantee = guarantees.get(0);
    String name = kind.title() + " (" + guarantee + ")";
    out.println();
    out.printf(
        Locale.ROOT,
        "[%d] %s, reference: %s; the correlator's Streams configuration, %s%n",
        number,
        name,
        kind.processor(),
        measuredHow());
    String applicationId = "traceline-bench-reference-" + kind.id();
    double rate;
    try (StreamsFloor floor =
        new StreamsFloor(
            kind,
            Topics.EVENTS,
            cluster.kafka().bootstrapServers(),
            applicationId,
            cluster.stateRoot().resolve(applicationId),
            CorrelatorRunOptions.guarantee(guarantee).config(),
            common.threads)) {
      rate =
          printMeasured(
              out, process(Client.of(floor), cluster.admin(), applicationId, ends), input, plain);
    }
    out.flush();
    // Its changelog would otherwise be compacted by the broker while the correlator is measured.
    BenchKafka.deleteTopics(cluster.admin(), applicationId + "-");
    return new Pass(name, rate, true);
  }

  /** Runs the correlator over the whole topic with a fresh group and fresh state; measures it. */
  private Pass correlator(
      PrintWriter out,
      Cluster cluster,
      int number,
      String guarantee,
      Map<TopicPartition, Long> ends,
      Input input,
      Pass plain) {
    out.println();
    out.printf(
        Locale.ROOT,
        "[%d] correlator, %s: CorrelatorService, %s%n",
        number,
        guarantee,
        measuredHow());
    String applicationId = "traceline-bench-" + guarantee.replace('_', '-');
    MeterRegistry registry = new SimpleMeterRegistry();
    double rate;
    try (CorrelatorService service =
        service(cluster, applicationId, settings(), guarantee, registry)) {
      Client client = Client.of(service);
      rate =
          printMeasured(out, process(client, cluster.admin(), applicationId, ends), input, plain);
      out.flush();
      // Not measured: the last traces close once the wall clock has moved the correlator's clock
      // past their gap.
      long closing = System.nanoTime();
      long closeDeadline = closing + gap.plusSeconds(60).toNanos();
      while (BenchMeters.sum(registry, "traceline.correlator.timelines") < input.traces()) {
        checkAlive(client, closeDeadline, "close every trace");
        LockSupport.parkNanos(POLL.toNanos());
      }
      printCheck(out, registry, input, System.nanoTime() - closing);
    }
    return new Pass("correlator " + guarantee, rate, false);
  }

  /** The threads and the measured span of a Streams pass, as its heading line says them. */
  private String measuredHow() {
    return String.format(
        Locale.ROOT,
        "%d stream thread%s, from RUNNING until the group's committed offsets reach the end"
            + " offsets",
        common.threads,
        common.threads == 1 ? "" : "s");
  }

  /**
   * Prints a Streams pass's start-up time and its rate over the whole input, against the plain
   * consumer's; returns the rate.
   */
  private static double printMeasured(PrintWriter out, Timing t, Input input, Pass plain) {
    double seconds = t.processingNanos() / 1e9;
    double rate = input.events() / seconds;
    out.printf(
        Locale.ROOT,
        "  startup    %.2f s from start() to RUNNING (not counted)%n",
        t.startupNanos() / 1e9);
    out.printf(
        Locale.ROOT,
        "  measured   %.2f s %,12d events %,12.0f events/s %6.1f MB/s  %.2fx the plain consumer%n",
        seconds,
        input.events(),
        rate,
        input.bytes() / 1e6 / seconds,
        rate / plain.eventsPerSecond());
    return rate;
  }

  private CorrelatorSettings settings() {
    return CorrelatorSettings.builder().inactivityGap(gap).closeCheckInterval(closeCheck).build();
  }

  private CorrelatorService service(
      Cluster cluster,
      String applicationId,
      CorrelatorSettings settings,
      String guarantee,
      MeterRegistry registry) {
    return new CorrelatorService(
        cluster.kafka().bootstrapServers(),
        applicationId,
        cluster.stateRoot().resolve(applicationId),
        settings,
        Map.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            CorrelatorRunOptions.guarantee(guarantee).config(),
            StreamsConfig.NUM_STREAM_THREADS_CONFIG,
            common.threads),
        registry);
  }

  /**
   * Starts {@code client} and waits until its group {@code applicationId} has committed every
   * offset up to {@code ends}: the one measuring path of every Streams pass.
   */
  private static Timing process(
      Client client, Admin admin, String applicationId, Map<TopicPartition, Long> ends) {
    long start = System.nanoTime();
    long running = -1;
    client.start().run();
    long deadline = start + MAX_RUN.toNanos();
    while (true) {
      checkAlive(client, deadline, "process the topic");
      long now = System.nanoTime();
      if (running < 0 && client.state().get() == KafkaStreams.State.RUNNING) {
        running = now;
      }
      if (running >= 0 && BenchKafka.uncommitted(admin, applicationId, ends) == 0) {
        return new Timing(running - start, System.nanoTime() - running);
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  private static void checkAlive(Client client, long deadline, String what) {
    Throwable failure = client.failure().get();
    if (failure != null) {
      throw new IllegalStateException(client.name() + " failed: " + failure);
    }
    KafkaStreams.State state = client.state().get();
    if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
      throw new IllegalStateException(client.name() + " stopped (" + state + ")");
    }
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException(client.name() + " did not " + what + " in time");
    }
  }

  private static void printCheck(
      PrintWriter out, MeterRegistry registry, Input input, long closeNanos) {
    long stored = BenchMeters.sum(registry, "traceline.correlator.events", "new");
    long duplicates = BenchMeters.sum(registry, "traceline.correlator.events", "duplicate");
    long timelines = BenchMeters.sum(registry, "traceline.correlator.timelines");
    long deadLetters = BenchMeters.sum(registry, "traceline.correlator.dlq");
    boolean ok =
        stored == input.events()
            && duplicates == 0
            && timelines == input.traces()
            && deadLetters == 0;
    out.printf(
        Locale.ROOT,
        "  check      %,d events stored, %,d duplicates, %,d dead letters; %,d timelines for %,d"
            + " traces, the last ones %.1f s after the end (not counted)%s%n",
        stored,
        duplicates,
        deadLetters,
        timelines,
        input.traces(),
        closeNanos / 1e9,
        ok ? "" : "  WARNING: expected every event stored once and one timeline per trace");
  }

  /**
   * One line per pass: its rate and, after the plain consumer, its ratio to it, judged against the
   * target for the correlator and marked {@code reference} (not judged) for the references.
   */
  private static void printSummary(PrintWriter out, List<Pass> passes) {
    Pass plain = passes.get(0);
    int width = passes.stream().mapToInt(p -> p.name().length()).max().orElse(0);
    out.println();
    out.printf(
        Locale.ROOT,
        "summary (target: the correlator at %.1fx the plain consumer or more; the Kafka Streams"
            + " references, the framework's floor, are not judged)%n",
        TARGET_RATIO);
    for (int i = 0; i < passes.size(); i++) {
      Pass p = passes.get(i);
      double ratio = p.eventsPerSecond() / plain.eventsPerSecond();
      String verdict;
      if (i == 0) {
        verdict = "";
      } else if (p.reference()) {
        verdict = String.format(Locale.ROOT, "  %.2fx  reference", ratio);
      } else {
        verdict =
            String.format(
                Locale.ROOT, "  %.2fx: %s", ratio, ratio >= TARGET_RATIO ? "met" : "missed");
      }
      out.printf(
          Locale.ROOT,
          "  [%d] %-" + width + "s %,10.0f events/s%s%n",
          i + 1,
          p.name(),
          p.eventsPerSecond(),
          verdict);
    }
    MachineInfo.printLoad(out, "end");
  }

  private static void progress(PrintWriter err, String message) {
    err.println("traceline bench correlator: " + message);
    err.flush();
  }
}
