package io.traceline.app.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.UsageException;
import io.traceline.app.cli.DurationConverter;
import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.decode.SubscriptionDecoder;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traceline bench ingest}: single-threaded throughput of the ingest stage minus Kafka, on a
 * realistic mix generated in-process by the demo's {@code ShopWorkload} (API Gateway access logs,
 * Lambda platform and Powertools JSON lines, ECS FireLens records, RDS PostgreSQL lines) with a
 * fixed seed and a simulated clock.
 *
 * <p>Stages, each warmed up then measured for several iterations of a fixed duration: (1) {@code
 * RecordProcessor.process} over the raw gzip records, the real ingest path without publishing; (2)
 * {@code RecordProcessor.processDecoded} over the pre-decoded messages; (3) {@code
 * SubscriptionDecoder.decodeAll} alone. Prints the machine, the mix, each iteration, mean ± sample
 * standard deviation, and the comparison with the target rate. A plain loop, not JMH: see {@code
 * docs/benchmarks.md} for what that implies. Runs on the calling thread; picocli creates one
 * instance per run.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the ingest stage (decode + parse + normalise + stitch, without Kafka) on one",
      "thread, on a synthetic mix of API Gateway, Lambda, ECS/FireLens and RDS lines generated",
      "in-process (fixed seed, simulated clock). Prints each iteration, mean and spread, and the",
      "comparison with the target rate. Results on stdout, progress on stderr."
    })
public final class IngestBenchmark implements Callable<Integer> {

  /** Upper bound on the generated requests (rate x seconds): the input is held in memory. */
  static final long MAX_REQUESTS = 200_000;

  /**
   * Heap taken by the input per generated request, rounded up: 100,000 requests left 662 MiB live
   * (gzip records, decoded messages and their lines), about 6.8 KiB each.
   */
  static final long HEAP_BYTES_PER_REQUEST = 8 * 1024;

  private static final Duration MAX_DURATION = Duration.ofMinutes(10);

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "Warm-up time per stage, not measured (default: ${DEFAULT-VALUE}; 0s for none).")
  Duration warmup;

  @Option(
      names = "--duration",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Length of each measured iteration (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--iterations",
      defaultValue = "3",
      description = "Measured iterations per stage (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--requests-per-second",
      defaultValue = "300",
      description = "Request rate of the generated traffic (default: ${DEFAULT-VALUE}).")
  double requestsPerSecond;

  @Option(
      names = "--seconds-of-traffic",
      defaultValue = "120",
      description = "Simulated seconds of traffic to generate (default: ${DEFAULT-VALUE}).")
  int secondsOfTraffic;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the workload's random choices (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--target",
      defaultValue = "300000",
      paramLabel = "EVENTS_PER_SECOND",
      description = "Target rate per core to compare with (default: ${DEFAULT-VALUE} events/s).")
  long target;

  @Option(names = "--no-decode-only", description = "Skip the decode-only stage (3).")
  boolean noDecodeOnly;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    err.println("traceline bench ingest: generating the input...");
    err.flush();
    IngestInput input = IngestInput.generate(requestsPerSecond, secondsOfTraffic, seed);
    printHeader(out, input);

    RecordProcessor processor = new RecordProcessor(new SimpleMeterRegistry());
    Source source = new Source("bench", "shardId-000000000000", null);
    check(out, processor, source, input);

    List<Stage> stages = new ArrayList<>();
    stages.add(new Stage.ProcessGzip(processor, source, input));
    stages.add(new Stage.ProcessDecoded(processor, source, input));
    if (!noDecodeOnly) {
      stages.add(new Stage.DecodeOnly(new SubscriptionDecoder(), input));
    }
    List<Measurement.Summary> summaries = new ArrayList<>();
    for (int s = 0; s < stages.size(); s++) {
      err.println("traceline bench ingest: stage " + (s + 1) + " of " + stages.size() + "...");
      err.flush();
      summaries.add(measure(out, s + 1, stages.get(s), input));
    }
    printSummary(out, stages, summaries);
    out.flush();
    return 0;
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (warmup.isNegative() || warmup.compareTo(MAX_DURATION) > 0) {
      problems.add("--warmup must be between 0s and 10m, was " + warmup);
    }
    if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
      problems.add("--duration must be positive and at most 10m, was " + duration);
    }
    if (iterations < 1 || iterations > 100) {
      problems.add("--iterations must be between 1 and 100, was " + iterations);
    }
    if (!(requestsPerSecond > 0 && requestsPerSecond <= 10_000)) {
      problems.add("--requests-per-second must be in (0, 10000], was " + requestsPerSecond);
    }
    if (secondsOfTraffic < 1 || secondsOfTraffic > 3_600) {
      problems.add("--seconds-of-traffic must be between 1 and 3600, was " + secondsOfTraffic);
    } else if (requestsPerSecond > 0 && requestsPerSecond * secondsOfTraffic > MAX_REQUESTS) {
      problems.add(
          String.format(
              Locale.ROOT,
              "--requests-per-second x --seconds-of-traffic must be at most %,d requests (the"
                  + " input is held in memory), was %,.0f",
              MAX_REQUESTS,
              requestsPerSecond * secondsOfTraffic));
    } else if (requestsPerSecond > 0) {
      long needed = ((long) (requestsPerSecond * secondsOfTraffic)) * HEAP_BYTES_PER_REQUEST;
      long max = Runtime.getRuntime().maxMemory();
      if (needed > max / 4 * 3) {
        problems.add(
            String.format(
                Locale.ROOT,
                "the input of --requests-per-second x --seconds-of-traffic needs about %,d MiB of"
                    + " heap, more than 3/4 of the %,d MiB available: raise -Xmx"
                    + " (TRACELINE_JAVA_OPTS) or generate less traffic",
                needed >> 20,
                max >> 20));
      }
    }
    if (target <= 0) {
      problems.add("--target must be positive, was " + target);
    }
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid bench ingest options", problems);
    }
  }

  private static void printHeader(PrintWriter out, IngestInput in) {
    out.println("traceline bench ingest: ingest throughput without Kafka, one thread");
    MachineInfo.print(out, "1 thread measured (the others run GC and JIT)");
    out.printf(
        Locale.ROOT,
        "  input      ShopWorkload seed %d: %s requests/s for %d s simulated = %,d requests%n",
        in.seed,
        number(in.requestsPerSecond),
        in.secondsOfTraffic,
        in.requests);
    out.printf(
        Locale.ROOT,
        "  records    %,d (%,d data, %,d control); gzip %,d B, JSON %,d B (%.1fx), mean %,d B"
            + " of JSON per record%n",
        in.records(),
        in.dataRecords(),
        in.controlRecords,
        in.totalGzipBytes,
        in.totalJsonBytes,
        (double) in.totalJsonBytes / Math.max(1, in.totalGzipBytes),
        in.totalJsonBytes / Math.max(1, in.records()));
    out.printf(
        Locale.ROOT,
        "  events     %,d (%.1f per data record)%n",
        in.events,
        (double) in.events / Math.max(1, in.dataRecords()));
    out.printf(
        Locale.ROOT,
        "  line size  mean %.0f B, median %d B, max %,d B (UTF-8)%n",
        in.meanLineBytes,
        in.medianLineBytes,
        in.maxLineBytes);
    out.printf(
        Locale.ROOT,
        "  %-44s %8s %10s %7s %10s%n",
        "log group",
        "records",
        "events",
        "share",
        "mean line");
    for (IngestInput.GroupShare g : in.groups) {
      out.printf(
          Locale.ROOT,
          "  %-44s %,8d %,10d %6.1f%% %8.0f B%n",
          g.logGroup(),
          g.records(),
          g.events(),
          100.0 * g.events() / Math.max(1, in.events),
          (double) g.lineBytes() / Math.max(1, g.events()));
    }
  }

  /** One unmeasured pass of the real path that checks every generated line came out as an event. */
  private static void check(
      PrintWriter out, RecordProcessor processor, Source source, IngestInput in) {
    long keyed = 0;
    long unkeyed = 0;
    long deadLetters = 0;
    long controls = 0;
    for (byte[] record : in.gzip) {
      Outcome o = processor.process(record, source);
      keyed += o.keyed().size();
      unkeyed += o.unkeyed().size();
      deadLetters += o.deadLetters().size();
      controls += o.controlMessages();
    }
    boolean ok = keyed + unkeyed == in.events && deadLetters == 0;
    out.printf(
        Locale.ROOT,
        "  check      one pass of process(): %,d events = %,d keyed + %,d unkeyed, %,d dead"
            + " letters, %,d control messages%s%n",
        keyed + unkeyed,
        keyed,
        unkeyed,
        deadLetters,
        controls,
        ok ? "" : "  WARNING: expected " + in.events + " events and no dead letters");
  }

  private Measurement.Summary measure(PrintWriter out, int number, Stage stage, IngestInput in) {
    out.println();
    out.printf(Locale.ROOT, "[%d] %s: %s%n", number, stage.name, stage.call);
    if (!warmup.isZero()) {
      printIteration(out, "warm-up", Measurement.run(stage, in.records(), warmup.toNanos()));
    }
    List<Measurement.Iteration> measured = new ArrayList<>();
    for (int i = 1; i <= iterations; i++) {
      Measurement.Iteration it = Measurement.run(stage, in.records(), duration.toNanos());
      measured.add(it);
      printIteration(out, "iteration " + i, it);
    }
    Measurement.Summary s = Measurement.Summary.of(measured);
    out.printf(
        Locale.ROOT,
        "  %-12s %9s %14s %,12.0f events/s ± %,.0f (sd, %.1f%%; min %,.0f, max %,.0f) %6.1f"
            + " MB/s%n",
        "mean",
        "",
        "",
        s.mean(),
        s.sd(),
        100 * s.sd() / s.mean(),
        s.min(),
        s.max(),
        s.meanMegabytesPerSecond());
    return s;
  }

  private static void printIteration(PrintWriter out, String label, Measurement.Iteration it) {
    double perEvent = it.allocatedBytesPerEvent();
    out.printf(
        Locale.ROOT,
        "  %-12s %7.2f s %,14d events %,12.0f events/s %6.1f MB/s  gc %4.1f%%  alloc %s%n",
        label,
        it.seconds(),
        it.events(),
        it.eventsPerSecond(),
        it.megabytesPerSecond(),
        100 * it.gcShare(),
        Double.isNaN(perEvent) ? "n/a" : String.format(Locale.ROOT, "%,.0f B/event", perEvent));
  }

  private void printSummary(
      PrintWriter out, List<Stage> stages, List<Measurement.Summary> summaries) {
    out.println();
    out.printf(Locale.ROOT, "summary (target: %,d events/s per core)%n", target);
    for (int i = 0; i < stages.size(); i++) {
      Measurement.Summary s = summaries.get(i);
      Stage stage = stages.get(i);
      String verdict =
          stage instanceof Stage.DecodeOnly
              ? "(a part of stage 1; not compared)"
              : String.format(
                  Locale.ROOT,
                  "%.2fx the target: %s",
                  s.mean() / target,
                  s.mean() >= target ? "met" : "missed");
      out.printf(
          Locale.ROOT, "  [%d] %-36s %,12.0f events/s  %s%n", i + 1, stage.name, s.mean(), verdict);
    }
    out.println(
        "  MB/s = 10^6 bytes of decompressed subscription JSON per second (stage 2 is credited"
            + " with the JSON its messages came from).");
  }

  static String number(double value) {
    return value == Math.rint(value)
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%,.2f", value);
  }
}
