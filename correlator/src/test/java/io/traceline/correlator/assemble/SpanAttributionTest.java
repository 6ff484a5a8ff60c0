package io.traceline.correlator.assemble;

import static io.traceline.correlator.Events.TRACE;
import static io.traceline.correlator.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.BottleneckKind;
import io.traceline.model.Timeline.Edge;
import io.traceline.model.Timeline.Gap;
import io.traceline.model.Timeline.Segment;
import io.traceline.model.TimelineStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attribution from span records: the call structure from span and parent ids, client spans as calls
 * whose uncovered time is a gap, per-operation segments, lines joining their span.
 */
@Timeout(10)
class SpanAttributionTest {

  private static final long T0 = 1_763_111_554_000L;
  private final TimelineAssembler assembler = new TimelineAssembler(500, 500, 100);
  private int ids;

  private LogEvent span(
      String service, String op, String kind, String id, String parent, long from, long to) {
    return span(service, op, kind, id, parent, from, to, Map.of());
  }

  private LogEvent span(
      String service,
      String op,
      String kind,
      String id,
      String parent,
      long from,
      long to,
      Map<String, String> more) {
    Map<String, String> attributes = new java.util.HashMap<>(more);
    if (kind != null) {
      attributes.put(LogEvent.SPAN_KIND, kind);
    }
    return event(TRACE, "s" + ids++, T0 + from, service)
        .kind(EventKind.SPAN)
        .spanId(id)
        .parentSpanId(parent)
        .operation(op)
        .durationMs((double) (to - from))
        .attributes(attributes)
        .build();
  }

  private Timeline assemble(List<LogEvent> events) {
    return assembler.assemble(TRACE, 1, TimelineStatus.COMPLETE, events, events.size());
  }

  private static Segment segment(Timeline t, String service, String op) {
    return t.segments().stream()
        .filter(s -> s.service().equals(service) && java.util.Objects.equals(s.operation(), op))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aClientSpanIsTheCallAndWhatTheCalleeDoesNotCoverIsAGap() {
    Timeline t =
        assemble(
            List.of(
                span("frontend", "GET /cart", "SERVER", "a000000000000001", null, 0, 100),
                span(
                    "frontend",
                    "Cart/Get",
                    "CLIENT",
                    "a000000000000002",
                    "a000000000000001",
                    10,
                    90),
                span(
                    "cart", "Cart/Get", "SERVER", "b000000000000001", "a000000000000002", 25, 80)));

    assertThat(t.entry().service()).isEqualTo("frontend");
    assertThat(t.entry().operation()).isEqualTo("GET /cart");
    assertThat(t.segments()).extracting(Segment::service).containsExactly("frontend", "cart");
    assertThat(segment(t, "frontend", "GET /cart").selfTimeMs()).isEqualTo(20); // 100 - client 80
    assertThat(segment(t, "cart", "Cart/Get").selfTimeMs()).isEqualTo(55);
    assertThat(t.gaps())
        .extracting(Gap::from, Gap::to, Gap::startTime, Gap::durationMs)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("frontend", "cart", T0 + 10, 15L),
            org.assertj.core.groups.Tuple.tuple("frontend", "cart", T0 + 80, 10L));
    assertThat(t.edges())
        .containsExactly(new Edge("frontend", "cart", "Cart/Get", T0 + 10, 80, false));
    assertThat(t.bottleneck().kind()).isEqualTo(BottleneckKind.SEGMENT);
    assertThat(t.bottleneck().service()).isEqualTo("cart");
  }

  @Test
  void zipkinSharedSpansPairTheServerHalfWithItsClientHalf() {
    Timeline t =
        assemble(
            List.of(
                span("mobile_api", "get /visits", "SERVER", "f5f268651b2a2b34", null, 0, 30),
                span("mobile_api", "get", "CLIENT", "7a778764a0d0b594", "f5f268651b2a2b34", 2, 12),
                span("spectre", "get", "SERVER", "7a778764a0d0b594", "f5f268651b2a2b34", 5, 9)));

    assertThat(t.edges())
        .containsExactly(new Edge("mobile_api", "spectre", "get", T0 + 2, 10, false));
    assertThat(t.gaps()).extracting(Gap::durationMs).containsExactly(3L, 3L);
    assertThat(segment(t, "mobile_api", "get /visits").selfTimeMs()).isEqualTo(20);
  }

  @Test
  void aClientSpanNamingAnUntracedPeerBecomesThePeersSegment() {
    Timeline t =
        assemble(
            List.of(
                span("orders", "POST /orders", "SERVER", "a000000000000001", null, 0, 100),
                span(
                    "orders",
                    "INSERT orders",
                    "CLIENT",
                    "a000000000000002",
                    "a000000000000001",
                    30,
                    70,
                    Map.of(LogEvent.PEER_SERVICE, "postgres"))));

    assertThat(t.services()).containsExactly("orders", "postgres");
    assertThat(segment(t, "postgres", "INSERT orders").selfTimeMs()).isEqualTo(40);
    assertThat(segment(t, "orders", "POST /orders").selfTimeMs()).isEqualTo(60);
    assertThat(t.edges())
        .extracting(Edge::from, Edge::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", "postgres"));
  }

  @Test
  void anInternalSpanIsItsOwnSegmentOfTheSameServiceWithoutAnEdge() {
    Timeline t =
        assemble(
            List.of(
                span("orders", "POST /orders", "SERVER", "a000000000000001", null, 0, 100),
                span(
                    "orders",
                    "validate",
                    "INTERNAL",
                    "a000000000000002",
                    "a000000000000001",
                    10,
                    50)));

    assertThat(segment(t, "orders", "POST /orders").selfTimeMs()).isEqualTo(60);
    assertThat(segment(t, "orders", "validate").selfTimeMs()).isEqualTo(40);
    assertThat(t.edges()).isEmpty();
    assertThat(t.gaps()).isEmpty();
  }

  @Test
  void repeatedCallsOfOneOperationAreOneSegmentWithItsCallCount() {
    List<LogEvent> events = new ArrayList<>();
    events.add(span("checkout", "PlaceOrder", "SERVER", "c000000000000001", null, 0, 100));
    for (int i = 0; i < 3; i++) {
      // two of the three calls overlap: self time is the union, never above the duration
      long from = 10 + i * 20L;
      events.add(
          span(
              "currency",
              "Convert",
              null,
              "d00000000000000" + i,
              "c000000000000001",
              from,
              from + 30));
    }
    Timeline t = assemble(events);

    Segment convert = segment(t, "currency", "Convert");
    assertThat(convert.calls()).isEqualTo(3);
    assertThat(convert.durationMs()).isEqualTo(70);
    assertThat(convert.selfTimeMs()).isEqualTo(70);
    assertThat(segment(t, "checkout", "PlaceOrder").selfTimeMs()).isEqualTo(30);
    assertThat(t.edges()).hasSize(3).allMatch(e -> e.to().equals("currency"));
  }

  @Test
  void logLinesJoinTheSpanTheyNameOrTheSpanOfTheirServiceThatCoversThem() {
    LogEvent named =
        event(TRACE, "l1", T0 + 30, "cart").spanId("b000000000000001").level("ERROR").build();
    LogEvent covered = event(TRACE, "l2", T0 + 40, "cart").message("cart loaded").build();
    Timeline t =
        assemble(
            List.of(
                span("frontend", "GET /cart", "SERVER", "a000000000000001", null, 0, 100),
                span("cart", "Cart/Get", "SERVER", "b000000000000001", "a000000000000001", 25, 80),
                named,
                covered));

    Segment cart = segment(t, "cart", "Cart/Get");
    assertThat(t.segments()).hasSize(2);
    assertThat(cart.eventCount()).isEqualTo(3);
    assertThat(cart.errorCount()).isEqualTo(1);
    assertThat(t.edges()).singleElement().extracting(Edge::error).isEqualTo(true);
  }

  @Test
  void anAccessLogWithoutSpansCallsTheRootSpanOfTheFunctionItFronts() {
    LogEvent access =
        event(TRACE, "gw", T0, "api-gateway")
            .kind(EventKind.ACCESS_LOG)
            .operation("POST /orders")
            .durationMs(120.0)
            .build();
    Timeline t =
        assemble(
            List.of(
                access, span("orders-fn", "handler", "SERVER", "a000000000000001", null, 5, 110)));

    assertThat(t.entry().service()).isEqualTo("api-gateway");
    assertThat(t.edges())
        .extracting(Edge::from, Edge::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("api-gateway", "orders-fn"));
    assertThat(t.gaps()).singleElement().extracting(Gap::durationMs).isEqualTo(5L);
    assertThat(segment(t, "api-gateway", "POST /orders").selfTimeMs()).isEqualTo(10);
  }

  @Test
  void parentIdsThatFormALoopDoNotHangTheAssembly() {
    Timeline t =
        assemble(
            List.of(
                span("a", "x", "SERVER", "a000000000000001", "b000000000000001", 0, 50),
                span("b", "y", "SERVER", "b000000000000001", "a000000000000001", 10, 40)));

    assertThat(t.segments()).hasSize(2);
    assertThat(t.edges()).hasSize(1);
  }

  @Test
  void aSpanWithoutKindIsTheCallWhenItsParentIsInItsServiceAndItsChildrenAreNot() {
    Timeline t =
        assemble(
            List.of(
                span("frontend", "Recv", null, "a000000000000001", null, 0, 100),
                span(
                    "frontend",
                    "grpc.Currency/Convert",
                    null,
                    "a000000000000002",
                    "a000000000000001",
                    10,
                    90),
                span(
                    "currency",
                    "Currency/Convert",
                    null,
                    "b000000000000001",
                    "a000000000000002",
                    40,
                    80)));

    assertThat(t.segments())
        .extracting(Segment::service, Segment::operation)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("frontend", "Recv"),
            org.assertj.core.groups.Tuple.tuple("currency", "Currency/Convert"));
    assertThat(t.gaps()).extracting(Gap::durationMs).containsExactly(30L, 10L);
    assertThat(t.edges())
        .containsExactly(new Edge("frontend", "currency", "Currency/Convert", T0 + 10, 80, false));
  }

  @Test
  void aServerSpanWithoutKindThatCallsAnotherServiceDirectlyKeepsItsOwnSegment() {
    Timeline t =
        assemble(
            List.of(
                span("gateway", "GET /", null, "a000000000000001", null, 0, 100),
                span("orders", "list", null, "b000000000000001", "a000000000000001", 10, 90),
                span("db", "SELECT", null, "c000000000000001", "b000000000000001", 20, 60)));

    assertThat(t.segments())
        .extracting(Segment::service)
        .containsExactly("gateway", "orders", "db");
    assertThat(segment(t, "orders", "list").selfTimeMs()).isEqualTo(40);
  }

  @Test
  void aClientSpanWhoseServiceSentNoOtherSpanIsThatServicesSegment() {
    Timeline t =
        assemble(
            List.of(
                span("routing", "GET /visits", "SERVER", "f000000000000001", null, 0, 100),
                // mobile_api's own server span (the client's parent) never came
                span("mobile_api", "get", "CLIENT", "7a778764a0d0b594", "f5f268651b2a2b34", 10, 40),
                span("spectre", "get", "SERVER", "7a778764a0d0b594", "f5f268651b2a2b34", 15, 35)));

    assertThat(t.edges())
        .extracting(Edge::from, Edge::to)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("routing", "mobile_api"),
            org.assertj.core.groups.Tuple.tuple("mobile_api", "spectre"));
    assertThat(segment(t, "mobile_api", "get").selfTimeMs()).isEqualTo(10);
  }
}
