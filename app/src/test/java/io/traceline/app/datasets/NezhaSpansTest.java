package io.traceline.app.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.traceline.ingest.parse.LineParser;
import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real data: the span tables of the Nezha datasets (TrainTicket, Online Boutique; MIT, see their
 * READMEs), each row converted to an OpenTelemetry span record as {@code aws/spans} holds it
 * ({@link Nezha}), replayed together with the window's log lines through ingest's real decode and
 * parse path ({@link SubscriptionMessages#ingest}). Every span row must arrive as exactly one
 * {@code SPAN} event that says what the row says; every log line stays a log line.
 */
@Timeout(120)
class NezhaSpansTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          nezha-trainticket-baseline | construct_data/2023-01-30/log/11_39_log.csv.gz | construct_data/2023-01-30/trace/11_39_trace.csv.gz | 2485 | 4595
          nezha-onlineboutique       | rca_data/2022-08-23/log/13_29_log.csv.gz       | rca_data/2022-08-23/trace/13_29_trace.csv.gz       | 7261 | 6656
          nezha-onlineboutique       |                                                | construct_data/2022-08-23/trace/17_00_trace.csv.gz |    0 | 22969
          """)
  void everySpanRowIsOneSpanEvent(
      String dataset, String logFile, String traceFile, int logCount, int spanCount)
      throws Exception {
    Optional<Path> found = Datasets.find(dataset);
    assumeTrue(found.isPresent(), "the shared datasets are not beside this checkout");
    EventIds ids = new EventIds();
    List<Nezha.LogLine> logs =
        logFile == null ? List.of() : Nezha.logLines(found.get().resolve(logFile), ids);
    List<Nezha.SpanRow> spans = Nezha.spanRows(found.get().resolve(traceFile), ids);
    assertThat(logs).hasSize(logCount);
    assertThat(spans).hasSize(spanCount);

    List<CloudWatchLine> lines = new ArrayList<>();
    logs.forEach(l -> lines.add(l.toCloudWatch()));
    spans.forEach(s -> lines.add(s.toCloudWatch()));
    Path input = dir.resolve("nezha.decoded.jsonl");
    SubscriptionMessages.write(lines, input);
    SubscriptionMessages.Ingested ingested = SubscriptionMessages.ingest(input);

    assertThat(ingested.badItems()).isZero();
    assertThat(ingested.deadLetters()).isZero();
    assertThat(ingested.events()).hasSize(logCount + spanCount);
    Map<String, LogEvent> byId = ingested.byId();
    for (Nezha.SpanRow row : spans) {
      assertSpan(row, byId.get(row.id()));
    }
    for (Nezha.LogLine log : logs) {
      assertThat(byId.get(log.id()).kind()).as(log.text()).isNotEqualTo(EventKind.SPAN);
    }
    assertThat(ingested.events().stream().filter(e -> e.kind() == EventKind.SPAN))
        .hasSize(spanCount);
  }

  private static void assertSpan(Nezha.SpanRow row, LogEvent e) {
    String what = row.toString();
    long nanos = row.endNanos() - row.startNanos();
    assertThat(e).as(what).isNotNull();
    assertThat(e.kind()).as(what).isEqualTo(EventKind.SPAN);
    assertThat(e.traceId()).as(what).isEqualTo(row.traceId().toLowerCase(Locale.ROOT));
    assertThat(e.traceIdFormat()).as(what).isEqualTo(TraceIdFormat.HEX32);
    assertThat(e.spanId()).as(what).isEqualTo(row.spanId());
    assertThat(e.parentSpanId()).as(what).isEqualTo(row.parentId());
    assertThat(e.service()).as(what).isEqualTo(row.service());
    assertThat(e.operation()).as(what).isEqualTo(row.operation());
    assertThat(e.logGroup()).as(what).isEqualTo(Nezha.SPANS_LOG_GROUP);
    assertThat(e.timestamp()).as(what).isEqualTo(Math.floorDiv(row.startNanos(), 1_000_000L));
    // nanosecond precision kept as a fraction of a millisecond (a third of the rows are < 1 ms)
    assertThat(e.durationMs()).as(what).isEqualTo(nanos / 1e6);
    assertThat(Math.floorDiv(nanos, 1000L)).as(what).isEqualTo(row.durationMicros());
    assertThat(e.attributes())
        .as(what)
        .doesNotContainKeys(LogEvent.SPAN_KIND, LineParser.INCOMPLETE_SPAN);
    assertThat(e.isError()).as(what).isFalse();
  }
}
