package io.traceline.app.render;

import io.traceline.model.FlagType;
import io.traceline.model.Timeline;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Prints timelines for a person watching a terminal: a Gantt chart for the ones worth a look (slow,
 * failed, timed out), one line for the rest. Not thread-safe: one printer per stream.
 */
public final class TimelinePrinter {

  /** Flags that earn a timeline its Gantt chart. */
  private static final Set<FlagType> CHART_WORTHY =
      EnumSet.of(
          FlagType.SLO_BREACH,
          FlagType.LATENCY_OUTLIER,
          FlagType.SEGMENT_OUTLIER,
          FlagType.TIMEOUT,
          FlagType.SLOW_QUERY,
          FlagType.POOL_EXHAUSTION,
          FlagType.INCOMPLETE);

  private final PrintStream out;
  private final GanttChart chart;
  private final boolean chartEverything;

  public TimelinePrinter(PrintStream out, int width, boolean chartEverything) {
    this.out = out;
    this.chart = new GanttChart(width);
    this.chartEverything = chartEverything;
  }

  /** Whether this timeline gets a chart rather than a line. */
  public boolean charted(Timeline t) {
    return chartEverything || t.flags().stream().anyMatch(f -> CHART_WORTHY.contains(f.type()));
  }

  public void print(Timeline t) {
    if (charted(t)) {
      out.println();
      out.print(chart.render(t));
      out.println();
    } else {
      out.println(oneLine(t));
    }
    out.flush();
  }

  /** {@code ok <trace> <entry> <op> 87 ms a > b > c [COLD_START]}. */
  public static String oneLine(Timeline t) {
    String flags =
        t.flags().isEmpty()
            ? ""
            : t.flags().stream()
                .map(f -> f.type().name())
                .distinct()
                .collect(Collectors.joining(",", "  [", "]"));
    return String.format(
        Locale.ROOT,
        "%-4s %s  %s %s  %d ms  %s%s",
        t.flags().isEmpty() ? "ok" : "note",
        t.traceId(),
        t.entry().service(),
        t.entry().operation() == null ? "" : t.entry().operation(),
        t.durationMs(),
        String.join(" > ", t.services()),
        flags);
  }
}
