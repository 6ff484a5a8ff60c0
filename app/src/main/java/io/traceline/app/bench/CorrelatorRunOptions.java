package io.traceline.app.bench;

import io.traceline.app.correlate.CorrelateConfig.ProcessingGuarantee;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options that {@code bench correlator} and {@code bench open-traces} share (a picocli mixin):
 * the partitions of {@code traceline.events}, the correlator's stream threads and the workload's
 * seed, with the checks of those and of the options whose defaults differ between the two (the gap,
 * the close check, the trace sizes, the guarantee). Picocli fills one per command run.
 */
final class CorrelatorRunOptions {

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions of traceline.events (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Stream threads of the correlator (num.stream.threads; default: 1, Kafka's).")
  int threads;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the workload's random choices (default: ${DEFAULT-VALUE}).")
  long seed;

  /**
   * Every problem of these options and of the shared ones given: the gap and close check, the trace
   * sizes (at most {@code maxTraceEvents}) and the guarantees.
   */
  List<String> problems(
      Duration gap,
      Duration closeCheck,
      int minEvents,
      int maxEvents,
      int maxTraceEvents,
      List<String> guarantees) {
    List<String> problems = new ArrayList<>();
    if (partitions < 1 || partitions > 64) {
      problems.add("--partitions must be between 1 and 64, was " + partitions);
    }
    if (threads < 1 || threads > 16) {
      problems.add("--threads must be between 1 and 16, was " + threads);
    }
    String sizes = TraceSizeOptions.problem(minEvents, maxEvents, maxTraceEvents);
    if (sizes != null) {
      problems.add(sizes);
    }
    for (String g : guarantees) {
      if (guarantee(g) == null) {
        problems.add("--guarantee must be exactly_once_v2 or at_least_once, was '" + g + "'");
      }
    }
    if (gap.toMillis() < 100 || gap.compareTo(Duration.ofHours(1)) > 0) {
      problems.add("--gap must be between 100ms and 1h, was " + gap);
    }
    if (closeCheck.toMillis() < 10 || closeCheck.compareTo(gap) > 0) {
      problems.add("--close-check must be between 10ms and the gap, was " + closeCheck);
    }
    return problems;
  }

  /** The guarantee Kafka spells {@code value}, or null. */
  static ProcessingGuarantee guarantee(String value) {
    for (ProcessingGuarantee g : ProcessingGuarantee.values()) {
      if (g.config().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return g;
      }
    }
    return null;
  }

  /** A duration as people write it: {@code 250 ms}, {@code 5 s}, {@code 5 min}. */
  static String readable(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + " min";
    }
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
