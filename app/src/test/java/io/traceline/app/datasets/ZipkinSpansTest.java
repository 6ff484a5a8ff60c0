package io.traceline.app.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.traceline.ingest.parse.LineParser;
import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real data: three production Zipkin v2 traces (SmartThings, Yelp; Apache-2.0, see the dataset's
 * README), one Zipkin JSON line per span ({@link ZipkinTraces}), through ingest's real decode and
 * parse path ({@link SubscriptionMessages#ingest}). Every span arrives as exactly one event: a
 * {@code SPAN} when it has a timestamp and a duration, else an ordinary event that keeps its ids
 * and says why; 64-bit trace ids are padded the same way everywhere; both halves of a shared span
 * arrive, told apart by their kind.
 */
@Timeout(60)
class ZipkinSpansTest {

  private static final String DATASET = "zipkin-production-traces";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          yelp.json                            |   16 |  16 |  0 |   0 |   4
          smartthings-oauth-authorization.json |  175 | 156 |  0 |  19 |  45
          smartthings-mobile-web-install.json  | 1041 | 866 | 84 |  91 | 294
          """)
  void everySpanIsOneEvent(String file, int spans, int complete, int noStart, int noEnd, int shared)
      throws Exception {
    Optional<Path> found = Datasets.find(DATASET);
    assumeTrue(found.isPresent(), "the shared datasets are not beside this checkout");
    List<ZipkinTraces.Span> records = ZipkinTraces.read(found.get().resolve(file), new EventIds());
    assertThat(records).hasSize(spans);

    Path input = dir.resolve("zipkin.decoded.jsonl");
    SubscriptionMessages.write(ZipkinTraces.toCloudWatch(records), input);
    SubscriptionMessages.Ingested ingested = SubscriptionMessages.ingest(input);

    assertThat(ingested.badItems()).isZero();
    assertThat(ingested.deadLetters()).isZero();
    assertThat(ingested.events()).hasSize(spans);
    Map<String, LogEvent> byId = ingested.byId();
    Map<String, Integer> counts = new HashMap<>();
    for (ZipkinTraces.Span record : records) {
      LogEvent e = byId.get(record.id());
      assertEvent(record, e);
      counts.merge(
          e.kind() + " " + e.attributes().get(LineParser.INCOMPLETE_SPAN), 1, Integer::sum);
    }
    Map<String, Integer> expected = new HashMap<>();
    expected.put("SPAN null", complete);
    expected.put("APP no-start", noStart);
    expected.put("APP no-end", noEnd);
    expected.values().removeIf(n -> n == 0);
    assertThat(counts).isEqualTo(expected);

    // One trace per file: its 64-bit id is padded to the same canonical id on every event.
    assertThat(ingested.events().stream().map(LogEvent::traceId).distinct())
        .containsExactly("0000000000000000" + records.get(0).traceId());
    assertThat(
            ingested.events().stream()
                .filter(e -> "true".equals(e.attributes().get(LineParser.SHARED_SPAN))))
        .hasSize(shared);
    assertSharedHalvesBothArrive(records, byId);
  }

  private static void assertEvent(ZipkinTraces.Span record, LogEvent e) {
    String what = record.line();
    assertThat(e).as(what).isNotNull();
    assertThat(e.traceId()).as(what).isEqualTo("0000000000000000" + record.traceId());
    assertThat(e.traceIdFormat()).as(what).isEqualTo(TraceIdFormat.B3_TRACE_ID);
    assertThat(e.spanId()).as(what).isEqualTo(record.spanId());
    assertThat(e.parentSpanId()).as(what).isEqualTo(record.parentId());
    assertThat(e.service()).as(what).isEqualTo(record.service()); // as written: stLogin, stlogin
    String name = record.span().path("name").asText(null);
    // a blank name (one span is named "\n") is no operation
    assertThat(e.operation()).as(what).isEqualTo(name == null || name.isBlank() ? null : name);
    assertThat(e.attributes().get(LogEvent.SPAN_KIND)).as(what).isEqualTo(record.kind());
    String peer = record.span().path("remoteEndpoint").path("serviceName").asText(null);
    assertThat(e.attributes().get(LogEvent.PEER_SERVICE)).as(what).isEqualTo(peer);
    if (record.hasTimestamp() && record.hasDuration()) {
      assertThat(e.kind()).as(what).isEqualTo(EventKind.SPAN);
      assertThat(e.timestamp()).as(what).isEqualTo(record.timestampMicros() / 1000);
      assertThat(e.durationMs()).as(what).isEqualTo(record.durationMicros() / 1000.0);
    } else {
      assertThat(e.kind()).as(what).isEqualTo(EventKind.APP);
      assertThat(e.durationMs()).as(what).isNull();
      if (record.hasTimestamp()) {
        assertThat(e.timestamp()).as(what).isEqualTo(record.timestampMicros() / 1000);
      }
    }
    boolean error = record.span().path("tags").has("error");
    assertThat(e.isError()).as(what).isEqualTo(error);
    if (error) {
      assertThat(e.level()).as(what).isEqualTo("ERROR");
    }
  }

  /**
   * A shared span id: a CLIENT record and the SERVER record(s) that reuse its id. Each record is an
   * event of its own, none merged into another, and the kinds tell them apart.
   */
  private static void assertSharedHalvesBothArrive(
      List<ZipkinTraces.Span> records, Map<String, LogEvent> byId) {
    Map<String, List<ZipkinTraces.Span>> bySpanId = new HashMap<>();
    records.forEach(r -> bySpanId.computeIfAbsent(r.spanId(), k -> new ArrayList<>()).add(r));
    int pairs = 0;
    for (List<ZipkinTraces.Span> sameId : bySpanId.values()) {
      boolean client = sameId.stream().anyMatch(r -> "CLIENT".equals(r.kind()));
      boolean sharedServer = sameId.stream().anyMatch(r -> r.shared() && "SERVER".equals(r.kind()));
      if (!client || !sharedServer) {
        continue;
      }
      pairs++;
      List<LogEvent> events = sameId.stream().map(r -> byId.get(r.id())).toList();
      assertThat(events.stream().map(LogEvent::id).distinct()).hasSize(sameId.size());
      assertThat(events.stream().map(e -> e.attributes().get(LogEvent.SPAN_KIND)))
          .contains("CLIENT", "SERVER");
      for (LogEvent e : events) {
        assertThat(e.spanId()).isEqualTo(sameId.get(0).spanId());
        boolean server = "SERVER".equals(e.attributes().get(LogEvent.SPAN_KIND));
        assertThat(e.attributes().containsKey(LineParser.SHARED_SPAN)).isEqualTo(server);
      }
    }
    assertThat(pairs).as("shared client/server pairs in the file").isPositive();
  }
}
