package io.traceline.app.replay;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.UsageException;
import io.traceline.app.cli.DurationConverter;
import io.traceline.app.cli.KafkaLogging;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.model.Timeline;
import io.traceline.sink.JsonLinesTimelineWriter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traceline replay}: recorded input through the same decode path and the same correlator
 * topology, offline, into one final timeline per trace (JSON lines). Bad records are reported on
 * stderr with counts and never stop the replay.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replays recorded CloudWatch subscription records through the decode path and the",
      "correlator topology, offline (no broker), and writes one final timeline per trace as",
      "JSON lines. Input formats, detected automatically: the JSON of `aws kinesis get-records`",
      "(Records[].Data = base64 of the gzip bytes), JSON lines with a base64 data/Data field, and",
      "JSON lines of decoded subscription messages (messageType, logGroup, logStream, logEvents)."
    })
public final class ReplayCommand implements Callable<Integer> {

  @Option(
      names = {"-i", "--input"},
      required = true,
      arity = "1..*",
      paramLabel = "FILE",
      description = "Input files, read in the order given.")
  List<Path> inputs;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "Where to write the timelines (JSON lines); '-' for stdout.")
  String output;

  @Option(
      names = "--gap",
      converter = DurationConverter.class,
      description = "Inactivity gap after which a trace closes (default: the correlator's, 30s).")
  Duration gap;

  @Option(
      names = "--slo-ms",
      description = "Static per-request threshold for SLO_BREACH (default: 500).")
  Long sloMs;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CorrelatorSettings settings = settings();
    KafkaLogging.errorsOnly(); // the topology runs offline, inside this process
    ReplayStats stats = new ReplayStats();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordProcessor processor = new RecordProcessor(registry);
    try (ReplayInput in = ReplayInput.open(inputs);
        OfflineCorrelator correlator = new OfflineCorrelator(settings, registry);
        JsonLinesTimelineWriter writer = new JsonLinesTimelineWriter(open(output))) {
      while (in.hasNext()) {
        write(writer, correlator.add(outcome(processor, in.next(), stats)), stats);
      }
      write(writer, correlator.finish(), stats);
      stats.traces = writer.traces();
      stats.rejectedByCorrelator = correlator.rejected();
      stats.stitchedByCorrelator = correlator.stitched();
    }
    stats.report(spec.commandLine().getErr());
    return 0;
  }

  private static Outcome outcome(
      RecordProcessor processor, ReplayInput.Item item, ReplayStats stats) {
    Outcome outcome;
    if (item instanceof ReplayInput.Gzip g) {
      Source source = new Source(g.source(), null, g.sequence());
      // The record's arrival time stands for its ingestion, as it was live.
      outcome =
          g.arrivalTime() == null
              ? processor.process(g.data(), source)
              : processor.process(g.data(), source, g.arrivalTime());
    } else if (item instanceof ReplayInput.Decoded d) {
      outcome = processor.processJson(d.json(), new Source(d.source(), null, d.sequence()));
    } else {
      ReplayInput.Bad b = (ReplayInput.Bad) item;
      stats.bad(b.reason(), b.source() + " " + b.sequence() + ": " + b.detail());
      return new Outcome(
          new Source(b.source(), null, b.sequence()), List.of(), List.of(), List.of(), 0);
    }
    stats.add(outcome);
    return outcome;
  }

  private static void write(
      JsonLinesTimelineWriter writer, List<Timeline> timelines, ReplayStats stats) {
    for (Timeline t : timelines) {
      writer.write(t);
      stats.emissions++;
    }
  }

  private CorrelatorSettings settings() {
    List<String> problems = new ArrayList<>();
    for (Path p : inputs) {
      if (!Files.isReadable(p) || Files.isDirectory(p)) {
        problems.add("--input " + p + " is not a readable file");
      }
    }
    CorrelatorSettings.Builder builder = CorrelatorSettings.builder();
    if (gap != null) {
      builder.inactivityGap(gap);
    }
    if (sloMs != null) {
      builder.sloThresholdMs(sloMs);
    }
    CorrelatorSettings settings = builder.build();
    problems.addAll(settings.problems());
    if (!"-".equals(output) && Files.isDirectory(Path.of(output))) {
      problems.add("--output " + output + " is a directory");
    }
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid replay options", problems);
    }
    return settings;
  }

  private static OutputStream open(String output) throws java.io.IOException {
    if ("-".equals(output)) {
      return new PrintStream(System.out, false, java.nio.charset.StandardCharsets.UTF_8) {
        @Override
        public void close() {
          flush(); // never close stdout
        }
      };
    }
    return Files.newOutputStream(Path.of(output));
  }
}
