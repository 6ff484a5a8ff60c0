package io.traceline.app.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.FlagType;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Bottleneck;
import io.traceline.model.Timeline.BottleneckKind;
import io.traceline.model.Timeline.Gap;
import io.traceline.model.Timeline.Segment;
import io.traceline.model.TimelineStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GanttChartTest {

  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  /** 0..1000 ms: api covers it all, fn 100..900 after a 100 ms gap, db 200..800 (bottleneck). */
  private static Timeline timeline(Bottleneck bottleneck) {
    return new Timeline(
        TRACE,
        1,
        TimelineStatus.COMPLETE,
        0,
        1000,
        1000,
        new Timeline.Hop("api", "POST /orders"),
        List.of("api", "fn", "db"),
        List.of(
            new Segment("api", "POST /orders", 0, 1000, 1000, 100, 1, 0, false, 1),
            new Segment("fn", null, 100, 900, 800, 200, 3, 1, true, 1),
            new Segment("db", null, 200, 800, 600, 600, 1, 0, false, 1)),
        List.of(new Gap("api", "fn", null, 0, 100, 100)),
        bottleneck,
        List.of(
            new Timeline.Flag(FlagType.SLO_BREACH, "api", 1000.0, 500.0, "request took 1000 ms")),
        List.of(),
        5,
        List.of());
  }

  private static String line(String chart, String service) {
    return chart.lines().filter(l -> l.startsWith(service + " ")).findFirst().orElseThrow();
  }

  @Test
  void drawsOneBarPerServiceOnASharedTimeAxis() {
    String chart =
        new GanttChart(10)
            .render(timeline(new Bottleneck(BottleneckKind.SEGMENT, "db", null, null, 600, 0.6)));
    assertThat(chart).startsWith("trace " + TRACE + "  api POST /orders  1000 ms  COMPLETE rev 1");
    assertThat(chart).contains("! SLO_BREACH: request took 1000 ms");
    assertThat(line(chart, "api")).contains("|==========|");
    assertThat(line(chart, "fn"))
        .contains("|.======== |")
        .contains("cold start")
        .contains("errors 1");
    assertThat(line(chart, "db")).contains("|  ######  |").contains("<-- bottleneck 60%");
    assertThat(line(chart, "api")).doesNotContain("bottleneck");
    assertThat(chart).contains("gap api -> fn: 100 ms");
  }

  @Test
  void aGapBottleneckIsMarkedOnTheCalleeItDelays() {
    String chart =
        new GanttChart(10)
            .render(timeline(new Bottleneck(BottleneckKind.GAP, "fn", null, "api", 100, 0.1)));
    assertThat(line(chart, "fn")).contains("<-- bottleneck: 100 ms before it starts (10%)");
    assertThat(line(chart, "fn")).startsWith("fn").contains("|.========");
    assertThat(chart).doesNotContain("#");
  }

  @Test
  void aZeroLengthRequestStillDraws() {
    Timeline t =
        new Timeline(
            TRACE,
            2,
            TimelineStatus.REVISED,
            5,
            5,
            0,
            new Timeline.Hop("api", null),
            List.of("api"),
            List.of(new Segment("api", null, 5, 5, 0, 0, 1, 0, false, 1)),
            List.of(),
            null,
            List.of(),
            List.of(),
            1,
            List.of());
    assertThat(line(new GanttChart(10).render(t), "api")).contains("|=         |");
  }

  @Test
  void oneBarPerOperationWithItsCallCountAndOnlyTheLargestGapsListed() {
    List<Gap> gaps = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      gaps.add(new Gap("api", "currency", "Convert", 100 + i * 10L, 101 + i * 11L, i + 1));
    }
    Timeline t =
        new Timeline(
            TRACE,
            1,
            TimelineStatus.COMPLETE,
            0,
            1000,
            1000,
            new Timeline.Hop("api", "GET /"),
            List.of("api", "currency"),
            List.of(
                new Segment("api", "GET /", 0, 1000, 1000, 500, 1, 0, false, 1),
                new Segment("currency", "Convert", 100, 900, 800, 300, 12, 0, false, 12),
                new Segment("currency", "GetSupportedCurrencies", 50, 90, 40, 40, 1, 0, false, 1)),
            gaps,
            new Bottleneck(BottleneckKind.SEGMENT, "currency", "Convert", null, 300, 0.3),
            List.of(),
            List.of(),
            14,
            List.of());

    String chart = new GanttChart(10).render(t);

    assertThat(line(chart, "currency Convert")).contains("x12").contains("<-- bottleneck 30%");
    assertThat(line(chart, "currency GetSupportedCurrencies")).doesNotContain("bottleneck");
    assertThat(chart).contains("gap api -> currency Convert: 12 ms").contains("2 smaller gaps");
    assertThat(chart).doesNotContain("gap api -> currency Convert: 1 ms");
  }
}
