package io.traceline.sink.opensearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DocumentsTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final long NOV_21 = Instant.parse("2026-11-21T10:15:30Z").toEpochMilli();

  @Test
  void timelineIsIdentifiedByTraceAndVersionedByRevisionInTheMonthOfItsStart() {
    byte[] json = Fixtures.timelineJson(TRACE, 3, NOV_21);

    Doc doc = Documents.of(DocKind.TIMELINE, TRACE.getBytes(UTF_8), json);

    assertThat(doc.kind()).isEqualTo(DocKind.TIMELINE);
    assertThat(doc.index()).isEqualTo("traceline-timelines-2026.11");
    assertThat(doc.id()).isEqualTo(TRACE);
    assertThat(doc.version()).isEqualTo(3);
    assertThat(doc.json()).isSameAs(json);
  }

  @Test
  void alertLikewise() {
    Doc doc = Documents.of(DocKind.ALERT, null, Fixtures.alertJson(TRACE, 2, NOV_21));

    assertThat(doc.index()).isEqualTo("traceline-alerts-2026.11");
    assertThat(doc.id()).isEqualTo(TRACE);
    assertThat(doc.version()).isEqualTo(2);
  }

  @Test
  void serviceEdgeIsIdentifiedByItsKeyAndIndexedByItsMinute() {
    long minute = Instant.parse("2026-12-31T23:59:00Z").toEpochMilli();
    String key = Fixtures.edge(minute, 4, 5).key();

    Doc doc =
        Documents.of(DocKind.SERVICE_EDGE, key.getBytes(UTF_8), Fixtures.edgeJson(minute, 4, 5));

    assertThat(doc.index()).isEqualTo("traceline-service-edges-2026.12");
    assertThat(doc.id()).isEqualTo(key).isEqualTo("shop-api -> checkout-fn @ " + minute);
    assertThat(doc.version()).isEqualTo(5);
  }

  @Test
  void monthIsTakenInUtc() {
    assertThat(
            Documents.indexName(
                DocKind.TIMELINE, Instant.parse("2026-01-31T23:59:59.999Z").toEpochMilli()))
        .isEqualTo("traceline-timelines-2026.01");
    assertThat(
            Documents.indexName(
                DocKind.TIMELINE, Instant.parse("2026-02-01T00:00:00Z").toEpochMilli()))
        .isEqualTo("traceline-timelines-2026.02");
  }

  @Test
  void aRevisionStartingInAMonthsLastDayNamesTheNextMonthsIndexToRemoveAnEarlierRevisionFrom() {
    long lastSeconds = Instant.parse("2026-11-30T23:59:50Z").toEpochMilli();
    long oneDayBefore =
        Instant.parse("2026-12-01T00:00:00Z").minus(Documents.MOVE_WINDOW).toEpochMilli();

    assertThat(timeline(2, lastSeconds).index()).isEqualTo("traceline-timelines-2026.11");
    assertThat(timeline(2, lastSeconds).movedFrom()).isEqualTo("traceline-timelines-2026.12");
    assertThat(timeline(3, oneDayBefore).movedFrom()).isEqualTo("traceline-timelines-2026.12");
    assertThat(timeline(2, oneDayBefore - 1).movedFrom()).isNull();
    assertThat(timeline(2, NOV_21).movedFrom()).isNull();
    assertThat(timeline(1, lastSeconds).movedFrom())
        .as("a first revision has nothing earlier to remove")
        .isNull();
    assertThat(
            Documents.of(
                    DocKind.ALERT,
                    null,
                    Fixtures.alertJson(
                        TRACE, 2, Instant.parse("2026-12-31T23:00:00Z").toEpochMilli()))
                .movedFrom())
        .isEqualTo("traceline-alerts-2027.01");
  }

  @Test
  void serviceEdgesNeverMoveTheirMinuteIsPartOfTheirKey() {
    long minute = Instant.parse("2026-11-30T23:59:00Z").toEpochMilli();

    Doc doc = Documents.of(DocKind.SERVICE_EDGE, null, Fixtures.edgeJson(minute, 4, 5));

    assertThat(doc.index()).isEqualTo("traceline-service-edges-2026.11");
    assertThat(doc.movedFrom()).isNull();
  }

  private static Doc timeline(int revision, long start) {
    return Documents.of(DocKind.TIMELINE, null, Fixtures.timelineJson(TRACE, revision, start));
  }

  @Test
  void fieldOrderAndNestedFieldsOfTheSameNameDoNotMatter() {
    String json =
        "{\"events\":[{\"traceId\":\"ffffffffffffffffffffffffffffffff\",\"revision\":9}],"
            + "\"startTime\":"
            + NOV_21
            + ",\"revision\":2,\"traceId\":\""
            + TRACE
            + "\"}";

    Doc doc = Documents.of(DocKind.TIMELINE, null, json.getBytes(UTF_8));

    assertThat(doc.id()).isEqualTo(TRACE);
    assertThat(doc.version()).isEqualTo(2);
  }

  @Test
  void lineBreaksBetweenTokensBecomeSpacesSoTheBulkBodyStaysOneLinePerDocument() {
    String pretty =
        "{\n  \"traceId\": \"" + TRACE + "\",\r\n  \"revision\": 1,\n  \"startTime\": 0\n}";

    Doc doc = Documents.of(DocKind.TIMELINE, null, pretty.getBytes(UTF_8));

    assertThat(new String(doc.json(), UTF_8))
        .doesNotContain("\n", "\r")
        .isEqualTo(pretty.replace('\n', ' ').replace('\r', ' '));
  }

  @Test
  void badRecordsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Documents.of(DocKind.TIMELINE, null, "not json".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () ->
                Documents.of(
                    DocKind.TIMELINE,
                    null,
                    ("{\"traceId\":\"" + TRACE + "\",\"startTime\":1}").getBytes(UTF_8)))
        .hasMessage("value has no integer revision");
    assertThatThrownBy(
            () ->
                Documents.of(
                    DocKind.TIMELINE,
                    "another".getBytes(UTF_8),
                    Fixtures.timelineJson(TRACE, 1, NOV_21)))
        .hasMessageContaining("record key does not match");
    assertThatThrownBy(() -> Documents.of(DocKind.SERVICE_EDGE, null, "[1]".getBytes(UTF_8)))
        .hasMessage("value is not a JSON object");
  }
}
