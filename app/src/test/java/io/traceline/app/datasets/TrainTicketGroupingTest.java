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
}
