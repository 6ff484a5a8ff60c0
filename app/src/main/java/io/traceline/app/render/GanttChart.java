package io.traceline.app.render;

import io.traceline.model.Timeline;
import io.traceline.model.Timeline.BottleneckKind;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Timeline.Gap;
import io.traceline.model.Timeline.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a timeline as an ASCII Gantt chart: one bar per segment (service and operation) on a
 * shared time axis, the time before each callee that no service accounts for shaded with {@code .},
 * the bottleneck drawn with {@code #} and marked, then the largest gaps. Pure and thread-safe.
 *
 * <pre>
 * shop-api-prod   |==================================================| 2358 ms
 * checkout-api    | .================================================| 2331 ms  cold start
 * shop-db         |      ##########################                  |  990 ms  &lt;-- bottleneck 42%
 * </pre>
 */
public final class GanttChart {

  /** Longest segment label drawn. */
  private static final int MAX_NAME = 40;

  /** Gaps listed below the bars, largest first. */
  private static final int MAX_GAPS = 10;

  private final int width;

  /** A chart whose time axis is {@code width} characters wide (at least 10). */
  public GanttChart(int width) {
    this.width = Math.max(10, width);
  }

  /** The full rendering: header, flags, one bar per service, the gaps. */
  public String render(Timeline t) {
    StringBuilder out = new StringBuilder();
    out.append(header(t)).append('\n');
    for (Flag f : t.flags()) {
      out.append("  ! ").append(f.type()).append(": ").append(f.reason()).append('\n');
    }
    int nameWidth = 12;
    for (Segment s : t.segments()) {
      nameWidth = Math.max(nameWidth, label(s).length());
    }
    String axis = String.format(Locale.ROOT, "%-" + nameWidth + "s |0 ms", "");
    String end = t.durationMs() + " ms|";
    out.append(axis)
        .append(" ".repeat(Math.max(1, width + nameWidth + 3 - axis.length() - end.length())))
        .append(end)
        .append('\n');
    for (Segment s : t.segments()) {
      out.append(bar(t, s, nameWidth)).append('\n');
    }
    List<Gap> gaps = new ArrayList<>(t.gaps());
    gaps.removeIf(g -> g.durationMs() <= 0);
    gaps.sort(Comparator.comparingLong(Gap::durationMs).reversed());
    for (Gap g : gaps.subList(0, Math.min(MAX_GAPS, gaps.size()))) {
      out.append(
          String.format(
              Locale.ROOT,
              "  gap %s -> %s%s: %d ms%n",
              g.from(),
              g.to(),
              g.operation() == null ? "" : " " + g.operation(),
              g.durationMs()));
    }
    if (gaps.size() > MAX_GAPS) {
      out.append(String.format(Locale.ROOT, "  ... %d smaller gaps%n", gaps.size() - MAX_GAPS));
    }
    return out.toString();
  }

  /** One line: trace id, entry, duration, status, revision. */
  public static String header(Timeline t) {
    return String.format(
        Locale.ROOT,
        "trace %s  %s %s  %d ms  %s rev %d  (%d events, %d services)",
        t.traceId(),
        t.entry().service(),
        t.entry().operation() == null ? "" : t.entry().operation(),
        t.durationMs(),
        t.status(),
        t.revision(),
        t.eventCount(),
        t.services().size());
  }

  private String bar(Timeline t, Segment s, int nameWidth) {
    char[] cells = new char[width];
    java.util.Arrays.fill(cells, ' ');
    for (Gap g : t.gaps()) {
      if (g.to().equals(s.service()) && Objects.equals(g.operation(), s.operation())) {
        fill(cells, column(t, g.startTime()), column(t, g.endTime()), '.');
      }
    }
    boolean bottleneck =
        t.bottleneck() != null
            && t.bottleneck().kind() == BottleneckKind.SEGMENT
            && isBottleneckHop(t, s);
    int from = column(t, s.startTime());
    int to = Math.max(from + 1, column(t, s.endTime()));
    fill(cells, from, to, bottleneck ? '#' : '=');
    String name = label(s);
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-" + nameWidth + "s |%s| %5d ms",
                name,
                new String(cells),
                s.durationMs()));
    if (s.calls() > 1) {
      line.append("  x").append(s.calls());
    }
    if (s.coldStart()) {
      line.append("  cold start");
    }
    if (s.errorCount() > 0) {
      line.append("  errors ").append(s.errorCount());
    }
    if (bottleneck) {
      line.append(
          String.format(
              Locale.ROOT, "  <-- bottleneck %d%%", Math.round(t.bottleneck().share() * 100)));
    } else if (isGapBottleneck(t, s)) {
      line.append(
          String.format(
              Locale.ROOT,
              "  <-- bottleneck: %d ms before it starts (%d%%)",
              t.bottleneck().durationMs(),
              Math.round(t.bottleneck().share() * 100)));
    }
    return line.toString();
  }

  private static boolean isGapBottleneck(Timeline t, Segment s) {
    return t.bottleneck() != null
        && t.bottleneck().kind() == BottleneckKind.GAP
        && isBottleneckHop(t, s);
  }

  /** Whether the bottleneck names this segment's service and (when it names one) operation. */
  private static boolean isBottleneckHop(Timeline t, Segment s) {
    return t.bottleneck().service().equals(s.service())
        && (t.bottleneck().operation() == null || t.bottleneck().operation().equals(s.operation()));
  }

  /** "service operation", cut to {@link #MAX_NAME} characters. */
  private static String label(Segment s) {
    String label = s.operation() == null ? s.service() : s.service() + " " + s.operation();
    return label.length() > MAX_NAME ? label.substring(0, MAX_NAME - 3) + "..." : label;
  }

  private int column(Timeline t, long instant) {
    if (t.durationMs() <= 0) {
      return 0;
    }
    long offset = Math.max(0, Math.min(t.durationMs(), instant - t.startTime()));
    return (int) Math.min(width, Math.round((double) offset * width / t.durationMs()));
  }

  private static void fill(char[] cells, int from, int to, char c) {
    for (int i = Math.max(0, from); i < Math.min(cells.length, to); i++) {
      cells[i] = c;
    }
  }
}
