package io.traceline.correlator.assemble;

import static io.traceline.correlator.Events.TRACE;
import static io.traceline.correlator.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.correlator.Events;
import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.BottleneckKind;
import io.traceline.model.Timeline.Segment;
import io.traceline.model.TimelineStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TimelineAssemblerTest {

  private static final long T0 = 1_763_111_554_000L;
  private final TimelineAssembler assembler = new TimelineAssembler(500, 500, 100);

  private Timeline slowQuery() {
    List<LogEvent> shuffled = new ArrayList<>(Events.slowQueryRequest(TRACE, T0));
    Collections.shuffle(shuffled, new Random(7));
    return assembler.assemble(TRACE, 1, TimelineStatus.COMPLETE, shuffled, shuffled.size());
  }

  private static Segment segment(Timeline t, String service) {
    return t.segments().stream().filter(s -> s.service().equals(service)).findFirst().orElseThrow();
  }

  @Test
  void ordersEventsByTimeWhateverTheArrivalOrder() {
    Timeline t = slowQuery();
    assertThat(t.events()).extracting(LogEvent::timestamp).isSorted();
    assertThat(t.eventCount()).isEqualTo(8);
    assertThat(t.startTime()).isEqualTo(T0);
    assertThat(t.endTime()).isEqualTo(T0 + 1100);
    assertThat(t.durationMs()).isEqualTo(1100);
  }

  @Test
  void oneSegmentPerServiceWithIntervalsFromEventKinds() {
    Timeline t = slowQuery();
    assertThat(t.services())
        .containsExactly("shop-api", "checkout-api", "inventory-svc", "shop-db");
    assertThat(segment(t, "shop-api").endTime()).isEqualTo(T0 + 1100); // arrival + latency
    assertThat(segment(t, "checkout-api").startTime())
        .isEqualTo(T0 + 4); // START at +10, after a 6 ms init
    assertThat(segment(t, "checkout-api").endTime()).isEqualTo(T0 + 1040);
    assertThat(segment(t, "checkout-api").coldStart()).isTrue();
    assertThat(segment(t, "checkout-api").eventCount()).isEqualTo(4);
    assertThat(segment(t, "shop-db").startTime()).isEqualTo(T0 + 30); // end - duration
    assertThat(segment(t, "shop-db").durationMs()).isEqualTo(990);
    assertThat(t.entry()).isEqualTo(new Timeline.Hop("shop-api", "POST /orders"));
  }

  @Test
  void infersCallsGapsAndSelfTime() {
    Timeline t = slowQuery();
    assertThat(t.edges())
        .extracting(e -> e.from() + "->" + e.to())
        .containsExactly(
            "shop-api->checkout-api", "checkout-api->inventory-svc", "inventory-svc->shop-db");
    assertThat(t.gaps())
        .extracting(g -> g.from() + "->" + g.to() + ":" + g.durationMs())
        .containsExactly(
            "shop-api->checkout-api:4",
            "checkout-api->inventory-svc:5",
            "inventory-svc->shop-db:5");
    // inventory-svc spans 25..1030; the call to shop-db (incl. its gap) covers 25..1020.
    assertThat(segment(t, "inventory-svc").selfTimeMs()).isEqualTo(10);
    assertThat(segment(t, "shop-db").selfTimeMs()).isEqualTo(990);
    // shop-api spans 0..1100 and waits on checkout-api 0..1040.
    assertThat(segment(t, "shop-api").selfTimeMs()).isEqualTo(60);
  }

  @Test
  void bottleneckIsTheSlowStatement() {
    Timeline t = slowQuery();
    assertThat(t.bottleneck().kind()).isEqualTo(BottleneckKind.SEGMENT);
    assertThat(t.bottleneck().service()).isEqualTo("shop-db");
    assertThat(t.bottleneck().share()).isEqualTo(990.0 / 1100.0);
  }

  @Test
  void bottleneckCanBeAGapThatNoServiceShows() {
    List<LogEvent> events =
        List.of(
            event(TRACE, "1", T0, "caller").message("calling callee").build(),
            event(TRACE, "2", T0 + 900, "callee").message("got request").build(),
            event(TRACE, "3", T0 + 950, "callee").message("done").build(),
            event(TRACE, "4", T0 + 960, "caller").message("got response").build());
    Timeline t = assembler.assemble(TRACE, 1, TimelineStatus.COMPLETE, events, 4);
    assertThat(t.bottleneck().kind()).isEqualTo(BottleneckKind.GAP);
    assertThat(t.bottleneck().from()).isEqualTo("caller");
    assertThat(t.bottleneck().service()).isEqualTo("callee");
    assertThat(t.bottleneck().durationMs()).isEqualTo(900);
  }

  @Test
  void aColdStartsInitPhaseBelongsToTheFunctionEvenWithoutItsInitStartLine() {
    List<LogEvent> events =
        List.of(
            event(TRACE, "1", T0, "api").kind(EventKind.ACCESS_LOG).durationMs(1010.0).build(),
            event(TRACE, "2", T0 + 605, "fn").kind(EventKind.LAMBDA_START).build(),
            event(TRACE, "3", T0 + 1005, "fn")
                .kind(EventKind.LAMBDA_REPORT)
                .durationMs(400.0)
                .attribute(LogEvent.COLD_START, "true")
                .attribute(LogEvent.INIT_DURATION_MS, "600.2")
                .build());
    Timeline t = assembler.assemble(TRACE, 1, TimelineStatus.COMPLETE, events, 3);
    assertThat(segment(t, "fn").startTime()).isEqualTo(T0 + 5);
    assertThat(t.gaps()).extracting(g -> g.durationMs()).containsExactly(5L);
    assertThat(t.bottleneck().service()).isEqualTo("fn");
  }

  @Test
  void flagsWhatTheLinesSay() {
    Timeline t = slowQuery();
    assertThat(t.flags())
        .extracting(f -> f.type() + "/" + f.service())
        .contains("SLO_BREACH/shop-api", "COLD_START/checkout-api", "SLOW_QUERY/shop-db");
    Timeline.Flag slo =
        t.flags().stream().filter(f -> f.type() == FlagType.SLO_BREACH).findFirst().orElseThrow();
    assertThat(slo.observed()).isEqualTo(1100.0);
    assertThat(slo.threshold()).isEqualTo(500.0);
    Timeline.Flag cold =
        t.flags().stream().filter(f -> f.type() == FlagType.COLD_START).findFirst().orElseThrow();
    assertThat(cold.observed()).isEqualTo(5.5);
    assertThat(t.hasFlag(FlagType.TIMEOUT)).isFalse();
  }

  @Test
  void flagsTimeoutsThrottlingPoolExhaustionAndErrors() {
    List<LogEvent> events =
        List.of(
            event(TRACE, "1", T0, "api")
                .kind(EventKind.ACCESS_LOG)
                .durationMs(3010.0)
                .status("504")
                .build(),
            event(TRACE, "2", T0 + 5, "svc")
                .level("ERROR")
                .message("payment call failed: connect ETIMEDOUT 203.0.113.10:443")
                .build(),
            event(TRACE, "3", T0 + 6, "svc")
                .message(
                    "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not"
                        + " available, request timed out after 30001ms")
                .build(),
            event(TRACE, "4", T0 + 7, "svc")
                .message("TooManyRequestsException: Rate Exceeded.")
                .build());
    Timeline t = assembler.assemble(TRACE, 1, TimelineStatus.COMPLETE, events, 4);
    assertThat(t.flags())
        .extracting(f -> f.type())
        .contains(
            FlagType.TIMEOUT,
            FlagType.ERROR,
            FlagType.POOL_EXHAUSTION,
            FlagType.THROTTLED,
            FlagType.SLO_BREACH);
    assertThat(t.flags())
        .filteredOn(f -> f.type() == FlagType.TIMEOUT && "api".equals(f.service()))
        .extracting(Timeline.Flag::reason)
        .containsExactly("timeout in api: status 504");
  }

  @Test
  void incompleteTimelinesAreFlagged() {
    Timeline t =
        assembler.assemble(
            TRACE, 1, TimelineStatus.TRUNCATED, Events.slowQueryRequest(TRACE, T0), 20);
    assertThat(t.hasFlag(FlagType.INCOMPLETE)).isTrue();
    assertThat(t.eventCount()).isEqualTo(20);
  }

  @Test
  void boundsTheEventsCarriedButNotTheSegments() {
    TimelineAssembler small = new TimelineAssembler(500, 500, 3);
    Timeline t =
        small.assemble(TRACE, 1, TimelineStatus.COMPLETE, Events.slowQueryRequest(TRACE, T0), 8);
    assertThat(t.events()).hasSize(3);
    assertThat(t.eventCount()).isEqualTo(8);
    assertThat(t.segments()).hasSize(4);
  }

  @Test
  void singleEventTraceHasOneSegmentAndNoGaps() {
    Timeline t =
        assembler.assemble(
            TRACE, 1, TimelineStatus.COMPLETE, List.of(event(TRACE, "1", T0, "a").build()), 1);
    assertThat(t.segments()).hasSize(1);
    assertThat(t.gaps()).isEmpty();
    assertThat(t.edges()).isEmpty();
    assertThat(t.durationMs()).isZero();
    assertThat(t.bottleneck().share()).isZero();
  }

  @Test
  void rejectsAnEmptyTrace() {
    assertThatThrownBy(() -> assembler.assemble(TRACE, 1, TimelineStatus.COMPLETE, List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
