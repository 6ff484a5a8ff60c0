package io.traceline.app.bench;

import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * How many events the generated traces of {@code bench correlator} and {@code bench sink} have: 5
 * to 30, uniform, so that the sink indexes the timelines of the traffic the correlator is measured
 * on (a picocli mixin; {@code bench open-traces} draws smaller traces and has its own options).
 * Picocli fills one per command run.
 */
final class TraceSizeOptions {

  @Option(
      names = "--min-events",
      defaultValue = "5",
      description = "Fewest events of a trace (default: ${DEFAULT-VALUE}).")
  int minEvents;

  @Option(
      names = "--max-events",
      defaultValue = "30",
      description = "Most events of a trace (default: ${DEFAULT-VALUE}).")
  int maxEvents;

  /** The problem of {@code --min-events} and {@code --max-events}, or null when they are usable. */
  static String problem(int minEvents, int maxEvents, int maxTraceEvents) {
    if (minEvents < 1 || maxEvents < minEvents || maxEvents > maxTraceEvents) {
      return String.format(
          Locale.ROOT,
          "--min-events and --max-events must satisfy 1 <= min <= max <= %d, were %d and %d",
          maxTraceEvents,
          minEvents,
          maxEvents);
    }
    return null;
  }
}
