package io.traceline.app.render;

import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Edge;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Timeline.Segment;
import java.util.Locale;

/**
 * A timeline in full, for a person reading one request (`traceline trace`): the Gantt chart, then
 * the segments with their self time, the flags with what they measured, the calls, and the log
 * lines in order, each line's time relative to the request's start. Pure and thread-safe.
 */
public final class TimelineReport {

  /** Longest message shown per log line; the rest is cut and marked. */
  static final int MAX_MESSAGE = 240;

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
      if (f.observed() != null) {
        line.append(String.format(Locale.ROOT, "  observed %.0f ms", f.observed()));
      }
      if (f.threshold() != null) {
        line.append(
            String.format(
                Locale.ROOT,
                f.quantile() == null ? "  threshold %.0f ms" : "  baseline %.0f ms",
                f.threshold()));
        if (f.quantile() != null) {
          line.append(String.format(Locale.ROOT, " (p%s)", percentile(f.quantile())));
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

  /** The message on one line, cut to {@link #MAX_MESSAGE} characters. */
  static String oneLine(String message) {
    String flat = message.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
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

  private static String percentile(double quantile) {
    double p = quantile * 100;
    return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
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
