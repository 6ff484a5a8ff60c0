package io.traceline.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.EventKind;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TraceWorkloadTest {

  private static final long START = CorrelatorBenchmark.START_EPOCH_MS;

  @Test
  void theSameSeedGivesTheSameEvents() {
    assertThat(json(new TraceWorkload(3), 50)).isEqualTo(json(new TraceWorkload(3), 50));
    assertThat(json(new TraceWorkload(3), 50)).isNotEqualTo(json(new TraceWorkload(4), 50));
  }

  @Test
  void aTraceHasTheAskedEventsOfOneTraceInArrivalOrderWithUniqueIds() {
    TraceWorkload w = new TraceWorkload(1);
    Set<String> ids = new HashSet<>();
    for (int n = 1; n <= 30; n++) {
      TraceWorkload.Trace t = w.next(START + n * 1000L, n, 1000);
      assertThat(t.events()).hasSize(n);
      assertThat(t.events()).allSatisfy(e -> assertThat(e.traceId()).isEqualTo(t.traceId()));
      assertThat(t.events()).extracting(LogEvent::ingestedAt).isSorted();
      assertThat(t.events())
          .allSatisfy(e -> assertThat(e.ingestedAt() - e.timestamp()).isBetween(0L, 1000L));
      t.events().forEach(e -> assertThat(ids.add(e.id())).as("unique id %s", e.id()).isTrue());
    }
    assertThat(ids).allSatisfy(id -> assertThat(id).hasSize(56).containsOnlyDigits());
  }

  @Test
  void smallTracesSpanTheGatewayTheLambdaAndAServiceLargeOnesFiveServices() {
    TraceWorkload w = new TraceWorkload(1);
    assertThat(w.next(START, 1, 0).events())
        .extracting(LogEvent::kind)
        .containsExactly(EventKind.ACCESS_LOG);
    assertThat(w.next(START, 3, 0).events())
        .extracting(LogEvent::service)
        .containsExactlyInAnyOrder("shop-api-prod", "checkout-api", "inventory-svc");
    Set<String> services = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      w.next(START, 30, 0).events().forEach(e -> services.add(e.service()));
    }
    assertThat(services)
        .containsExactlyInAnyOrder(
            "shop-api-prod", "checkout-api", "inventory-svc", "payments-svc", "shop-db");
  }

  @Test
  void aLiveTraceHasNoEventTimeAfterItsEndAndArrivesThen() {
    long now = System.currentTimeMillis();
    TraceWorkload.Trace t = new TraceWorkload(1).endingAt(now, now + 5, 3);

    assertThat(t.events())
        .allSatisfy(
            e -> {
              assertThat(e.timestamp()).isLessThanOrEqualTo(now);
              assertThat(e.ingestedAt()).isEqualTo(now + 5);
            });
  }

  private static List<String> json(TraceWorkload w, int traces) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < traces; i++) {
      for (LogEvent e : w.next(START + i * 100L, w.eventCount(5, 30), 1000).events()) {
        out.add(new String(Json.writeEvent(e), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
