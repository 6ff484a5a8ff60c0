package io.traceline.app.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.traceline.app.Traceline;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Real data: one fault-free minute of TrainTicket (about 28 Java services; MIT, see the dataset's
 * README and LICENSE). Its log lines, as the applications wrote them ({@code ... TraceID: <32 hex>
 * SpanID: <16 hex> ...} inside the text), are turned into CloudWatch subscription messages (one log
 * group per service, one stream per pod) and replayed through the real decode, parse and correlator
 * path. Grouping by trace id must be exact against the dataset's span table: every line in the
 * timeline of its own trace (recall 1.0) and no line in another (precision 1.0).
 */
@Timeout(120)
class TrainTicketGroupingTest {

  private static final String DATASET = "nezha-trainticket-baseline";

  @TempDir Path dir;

  @Test
  void groupingByTraceIdIsExactAgainstTheSpanTable() throws Exception {
    Optional<Path> dataset = Datasets.find(DATASET);
    assumeTrue(dataset.isPresent(), "the shared datasets are not beside this checkout");
    Path logs = dataset.get().resolve("construct_data/2023-01-30/log/11_39_log.csv.gz");
    List<Nezha.LogLine> lines = Nezha.logLines(logs, new EventIds());
    assertThat(lines).hasSize(2485);

    Path input = dir.resolve("trainticket.decoded.jsonl");
    SubscriptionMessages.write(lines.stream().map(Nezha.LogLine::toCloudWatch).toList(), input);
    Path output = dir.resolve("timelines.jsonl");
    StringWriter err = new StringWriter();
    CommandLine cl = Traceline.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("replay", "-i", input.toString(), "-o", output.toString()))
        .as(err.toString())
        .isZero();

    Map<String, String> truth = new HashMap<>();
    Map<String, Integer> linesPerTrace = new HashMap<>();
    for (Nezha.LogLine l : lines) {
      truth.put(l.id(), l.traceId());
      linesPerTrace.merge(l.traceId(), 1, Integer::sum);
    }
    List<Timeline> timelines = new ArrayList<>();
    for (String json : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      timelines.add(Json.readTimeline(json.getBytes(StandardCharsets.UTF_8)));
    }
    Map<String, String> grouped = new HashMap<>();
    for (Timeline t : timelines) {
      assertThat(t.events()).as("all events carried").hasSize(t.eventCount());
      for (LogEvent e : t.events()) {
        assertThat(grouped.put(e.id(), t.traceId()))
            .as("line %s in two timelines", e.id())
            .isNull();
      }
    }
    // Recall and precision 1.0: every line, and only in the timeline of its own trace.
    assertThat(grouped).isEqualTo(truth);
    assertThat(timelines).hasSize(linesPerTrace.size());
    assertThat(err.toString()).contains("0 without a trace id");
  }

  /**
   * The lines and the span table replayed together (the spans as aws/spans records): every
   * timeline's edges are exactly the caller -> callee service pairs of the span table's
   * parent/child links, and every line still lands in the timeline of its own trace.
   */
  @Test
  void serviceEdgesMatchTheSpanTablesParentChildLinks() throws Exception {
    Optional<Path> dataset = Datasets.find(DATASET);
    assumeTrue(dataset.isPresent(), "the shared datasets are not beside this checkout");
    EventIds ids = new EventIds();
    List<Nezha.LogLine> lines =
        Nezha.logLines(
            dataset.get().resolve("construct_data/2023-01-30/log/11_39_log.csv.gz"), ids);
    List<Nezha.SpanRow> spans =
        Nezha.spanRows(
            dataset.get().resolve("construct_data/2023-01-30/trace/11_39_trace.csv.gz"), ids);
    List<CloudWatchLine> input = new ArrayList<>();
    lines.forEach(l -> input.add(l.toCloudWatch()));
    spans.forEach(s -> input.add(s.toCloudWatch()));

    DatasetReplay.Result replay = DatasetReplay.replay(dir, input);

    Map<String, Nezha.SpanRow> bySpan = new HashMap<>();
    spans.forEach(s -> bySpan.put(s.traceId() + "/" + s.spanId(), s));
    Map<String, Set<String>> expected = new HashMap<>();
    for (Nezha.SpanRow s : spans) {
      Nezha.SpanRow parent =
          s.parentId() == null ? null : bySpan.get(s.traceId() + "/" + s.parentId());
      Set<String> links = expected.computeIfAbsent(s.traceId(), t -> new TreeSet<>());
      if (parent != null && !parent.service().equals(s.service())) {
        links.add(parent.service() + " -> " + s.service());
      }
    }
    Map<String, String> lineTrace = new HashMap<>();
    lines.forEach(l -> lineTrace.put(l.id(), l.traceId()));
    Map<String, Set<String>> actual = new HashMap<>();
    for (Timeline t : replay.timelines()) {
      Set<String> links = actual.computeIfAbsent(t.traceId(), k -> new TreeSet<>());
      t.edges().forEach(e -> links.add(e.from() + " -> " + e.to()));
      for (LogEvent e : t.events()) {
        if (lineTrace.containsKey(e.id())) {
          assertThat(lineTrace.get(e.id())).isEqualTo(t.traceId());
        }
      }
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(replay.timelines()).hasSize(62);
  }
}
