package io.traceline.app.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Bottleneck;
import io.traceline.model.Timeline.BottleneckKind;
import io.traceline.model.Timeline.Edge;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Timeline.Gap;
import io.traceline.model.Timeline.Segment;
import io.traceline.model.TimelineStatus;
import io.traceline.model.TraceIdFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TimelineReportTest {

  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";
  private static final long T0 = 1_763_111_520_000L;

  private static LogEvent line(String id, long offset, String service, String message) {
    return LogEvent.builder()
        .id(id)
        .timestamp(T0 + offset)
        .trace(TRACE, TraceIdFormat.W3C_TRACEPARENT)
        .service(service)
        .level("INFO")
        .message(message)
        .kind(EventKind.APP)
        .build();
  }

  /** api 0..1000 calls db 200..800 (600 ms, twice its p99): the report's every section. */
  private static Timeline timeline() {
    return new Timeline(
        TRACE,
        2,
        TimelineStatus.REVISED,
        T0,
        T0 + 1000,
        1000,
        new Timeline.Hop("api", "POST /orders"),
        List.of("api", "db"),
        List.of(
            new Segment("api", "POST /orders", T0, T0 + 1000, 1000, 400, 2, 0, false, 1),
            new Segment("db", "SELECT orders", T0 + 200, T0 + 800, 600, 600, 1, 1, false, 1)),
        List.of(new Gap("api", "db", "SELECT orders", T0 + 150, T0 + 200, 50)),
        new Bottleneck(BottleneckKind.SEGMENT, "db", "SELECT orders", null, 600, 0.6),
        List.of(
            new Flag(FlagType.SLO_BREACH, "api", 1000.0, 500.0, "request took 1000 ms"),
            new Flag(FlagType.ERROR, "db", 1.0, null, "1 error line(s) in db"),
            new Flag(
                FlagType.MISSING_HOP, "cache", null, null, 0.95, null, null, "cache was in 95%"),
            new Flag(
                FlagType.SEGMENT_OUTLIER,
                "db",
                "SELECT orders",
                600.0,
                300.0,
                0.99,
                2.0,
                "db self time 600 ms, twice its p99")),
        List.of(
            line("1", 0, "api", "POST /orders received"),
            line("2", 210, "db", "slow statement\nSELECT * FROM orders"),
            line("3", 990, "api", "x".repeat(TimelineReport.MAX_MESSAGE + 10))),
        4,
        List.of(new Edge("api", "db", "SELECT orders", T0 + 150, 650, true)));
  }

  @Test
  void showsTheChartSegmentsFlagsCallsAndLinesInOrder() {
    String report = new TimelineReport(20).render(timeline());

    assertThat(report).startsWith("trace " + TRACE + "  api POST /orders  1000 ms  REVISED rev 2");
    assertThat(report).containsSubsequence("segments", "flags", "calls", "log lines (3 of 4)");
    assertThat(report)
        .containsPattern("db +SELECT orders +\\+200 ms +600 ms +600 ms +1 +1 +1")
        .containsPattern("api +POST /orders +\\+0 ms +1000 ms +400 ms +2 +0 +1");
    assertThat(report)
        .contains("SLO_BREACH  api  observed 1000 ms  threshold 500 ms  x2.0: request took 1000 ms")
        .contains(
            "SEGMENT_OUTLIER  db SELECT orders  observed 600 ms  baseline 300 ms (p99)  x2.0: db"
                + " self time 600 ms, twice its p99")
        .contains("ERROR  db  observed 1: 1 error line(s) in db")
        .contains("MISSING_HOP  cache  threshold 0.95: cache was in 95%");
    assertThat(report).contains("+150 ms  api -> db SELECT orders  650 ms  error");
    assertThat(report)
        .containsPattern(
            "\\+0 ms +api +INFO +POST /orders received\n"
                + " +\\+210 ms +db +INFO +slow statement\\\\nSELECT \\* FROM orders\n"
                + " +\\+990 ms +api +INFO +x{"
                + TimelineReport.MAX_MESSAGE
                + "} \\.\\.\\. \\(250 chars\\)\n");
  }

  @Test
  void cutsLongMessagesAndSaysHowLongTheyWere() {
    String cut = TimelineReport.oneLine("y".repeat(TimelineReport.MAX_MESSAGE + 10));

    assertThat(cut)
        .startsWith("y".repeat(TimelineReport.MAX_MESSAGE))
        .endsWith(" ... (" + (TimelineReport.MAX_MESSAGE + 10) + " chars)");
    assertThat(TimelineReport.oneLine("a\r\nb\nc\td")).isEqualTo("a\\nb\\nc  d");
  }
}
