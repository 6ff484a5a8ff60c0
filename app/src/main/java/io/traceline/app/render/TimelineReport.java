package io.traceline.app.render;

import io.traceline.model.FlagType;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Edge;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Timeline.Segment;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A timeline in full, for a person reading one request (`traceline trace`): the Gantt chart, then
 * the segments with their self time, the flags with what they measured, the calls, and the log
 * lines in order, each line's time relative to the request's start. Pure and thread-safe.
 */
public final class TimelineReport {

  /** Longest message shown per log line; the rest is cut and marked. */
  static final int MAX_MESSAGE = 240;

  /** Flags whose observed value and threshold are durations (the others: counts, fractions). */
  private static final Set<FlagType> IN_MILLISECONDS =
      EnumSet.of(
          FlagType.SLO_BREACH,
          FlagType.LATENCY_OUTLIER,
          FlagType.SEGMENT_OUTLIER,
          FlagType.COLD_START,
          FlagType.TIMEOUT,
          FlagType.SLOW_QUERY);

  private final GanttChart chart;

  /** A report whose chart's time axis is {@code width} characters wide. */
  public TimelineReport(int width) {
    this.chart = new GanttChart(width);
  }

  /** The whole report. */
  public String render(Timeline t) {
    StringBuilder out = new StringBuilder(chart.render(t));
    segments(out, t);
    flags(out, t);
    calls(out, t);
    lines(out, t);
    return out.toString();
  }

  private static void segments(StringBuilder out, Timeline t) {
    out.append("\nsegments\n");
    int name = width(t, "service", Segment::service);
    int op = width(t, "operation", s -> operation(s.operation()));
    String format = "  %-" + name + "s  %-" + op + "s  %8s  %8s  %8s  %6s  %6s  %5s%s%n";
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "service",
            "operation",
            "start",
            "duration",
            "self",
            "events",
            "errors",
            "calls",
            ""));
    for (Segment s : t.segments()) {
      out.append(
          String.format(
              Locale.ROOT,
              format,
              s.service(),
              operation(s.operation()),
              "+" + (s.startTime() - t.startTime()) + " ms",
              s.durationMs() + " ms",
              s.selfTimeMs() + " ms",
              s.eventCount(),
              s.errorCount(),
              s.calls(),
              s.coldStart() ? "  cold start" : ""));
    }
  }

  private static void flags(StringBuilder out, Timeline t) {
    if (t.flags().isEmpty()) {
      return;
    }
    out.append("\nflags\n");
    for (Flag f : t.flags()) {
      StringBuilder line = new StringBuilder("  ").append(f.type());
      if (f.service() != null) {
        line.append("  ").append(f.service());
        if (f.operation() != null) {
          line.append(' ').append(f.operation());
        }
      }
      boolean ms = IN_MILLISECONDS.contains(f.type());
      if (f.observed() != null) {
        line.append("  observed ").append(amount(f.observed(), ms));
      }
      if (f.threshold() != null) {
        line.append(f.quantile() == null ? "  threshold " : "  baseline ")
            .append(amount(f.threshold(), ms));
        if (f.quantile() != null) {
          line.append(" (p").append(number(f.quantile() * 100)).append(')');
        }
      }
      if (f.ratio() != null) {
        line.append(String.format(Locale.ROOT, "  x%.1f", f.ratio()));
      }
      out.append(line).append(": ").append(f.reason()).append('\n');
    }
  }

  private static void calls(StringBuilder out, Timeline t) {
    if (t.edges().isEmpty()) {
      return;
    }
    out.append("\ncalls\n");
    for (Edge e : t.edges()) {
      out.append(
          String.format(
              Locale.ROOT,
              "  +%d ms  %s -> %s%s  %d ms%s%n",
              e.startTime() - t.startTime(),
              e.from(),
              e.to(),
              e.operation() == null ? "" : " " + e.operation(),
              e.durationMs(),
              e.error() ? "  error" : ""));
    }
  }

  private static void lines(StringBuilder out, Timeline t) {
    out.append(
        String.format(
            Locale.ROOT,
            "%nlog lines (%d of %d)%n",
            t.events().size(),
            Math.max(t.eventCount(), t.events().size())));
    int service = 7;
    for (LogEvent e : t.events()) {
      service = Math.max(service, e.service().length());
    }
    for (LogEvent e : t.events()) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %9s  %-" + service + "s  %-5s  %s%n",
              "+" + (e.timestamp() - t.startTime()) + " ms",
              e.service(),
              e.level() == null ? "" : e.level(),
              oneLine(e.message())));
    }
  }

  /** The message on one line (tabs as two spaces), cut to {@link #MAX_MESSAGE} characters. */
  static String oneLine(String message) {
    String flat =
        message
            .replace("\r\n", "\\n")
            .replace("\n", "\\n")
            .replace("\r", "\\n")
            .replace("\t", "  ");
    if (flat.length() <= MAX_MESSAGE) {
      return flat;
    }
    int end =
        Character.isHighSurrogate(flat.charAt(MAX_MESSAGE - 1)) ? MAX_MESSAGE - 1 : MAX_MESSAGE;
    return flat.substring(0, end) + " ... (" + flat.length() + " chars)";
  }

  private static String operation(String operation) {
    return operation == null ? "-" : operation;
  }

  /** A flag's amount: milliseconds for the flags that measure time, else the plain number. */
  private static String amount(double value, boolean ms) {
    return ms ? String.format(Locale.ROOT, "%.0f ms", value) : number(value);
  }

  /** Whole numbers without decimals, others with up to two. */
  private static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.valueOf((long) value);
    }
    return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "");
  }

  private static int width(
      Timeline t, String heading, java.util.function.Function<Segment, String> field) {
    int width = heading.length();
    for (Segment s : t.segments()) {
      width = Math.max(width, field.apply(s).length());
    }
    return width;
  }
}
