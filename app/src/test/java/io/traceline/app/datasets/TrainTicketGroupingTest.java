package io.traceline.app.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.traceline.app.Traceline;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
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
  private static final int BATCH = 50;

  @TempDir Path dir;

  /** One log line of the dataset and the trace it truly belongs to. */
  private record Line(
      String id, long timestamp, String pod, String service, String text, String trace) {}

  @Test
  void groupingByTraceIdIsExactAgainstTheSpanTable() throws Exception {
    Optional<Path> dataset = Datasets.find(DATASET);
    assumeTrue(dataset.isPresent(), "the shared datasets are not beside this checkout");
    Path logs = dataset.get().resolve("construct_data/2023-01-30/log/11_39_log.csv.gz");
    List<Line> lines = readLines(logs);
    assertThat(lines).hasSize(2485);

    Path input = dir.resolve("trainticket.decoded.jsonl");
    writeSubscriptionMessages(lines, input);
    Path output = dir.resolve("timelines.jsonl");
    StringWriter err = new StringWriter();
    CommandLine cl = Traceline.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("replay", "-i", input.toString(), "-o", output.toString()))
        .as(err.toString())
        .isZero();

    Map<String, String> truth = new HashMap<>();
    Map<String, Integer> linesPerTrace = new HashMap<>();
    for (Line l : lines) {
      truth.put(l.id(), l.trace());
      linesPerTrace.merge(l.trace(), 1, Integer::sum);
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

  private static List<Line> readLines(Path csv) throws Exception {
    List<Line> lines = new ArrayList<>();
    CsvMapper mapper = new CsvMapper();
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(csv));
        MappingIterator<Map<String, String>> rows =
            mapper.readerForMapOf(String.class).with(schema).readValues(in)) {
      int index = 0;
      while (rows.hasNext()) {
        Map<String, String> row = rows.next();
        JsonNode docker = Json.MAPPER.readTree(row.get("Log"));
        String text = docker.path("log").asText().stripTrailing();
        String pod = row.get("PodName");
        lines.add(
            new Line(
                String.format("%056d", index++),
                Long.parseLong(row.get("TimeUnixNano")) / 1_000_000,
                pod,
                pod.replaceAll("-[^-]+-[^-]+$", ""),
                text,
                row.get("TraceID")));
      }
    }
    return lines;
  }

  /**
   * What CloudWatch would deliver: per pod (log stream), lines in time order in batches; the
   * batches of all pods in the order of their first line.
   */
  private static void writeSubscriptionMessages(List<Line> lines, Path out) throws Exception {
    Map<String, List<Line>> byPod = new LinkedHashMap<>();
    lines.stream()
        .sorted(Comparator.comparingLong(Line::timestamp))
        .forEach(l -> byPod.computeIfAbsent(l.pod(), p -> new ArrayList<>()).add(l));
    List<List<Line>> batches = new ArrayList<>();
    for (List<Line> pod : byPod.values()) {
      for (int i = 0; i < pod.size(); i += BATCH) {
        batches.add(pod.subList(i, Math.min(pod.size(), i + BATCH)));
      }
    }
    batches.sort(Comparator.comparingLong(b -> b.get(0).timestamp()));
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (List<Line> batch : batches) {
        Line first = batch.get(0);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("messageType", "DATA_MESSAGE");
        message.put("owner", "123456789012");
        message.put("logGroup", "/ecs/" + first.service());
        message.put("logStream", first.pod());
        message.put("subscriptionFilters", List.of("traceline"));
        List<Map<String, Object>> events = new ArrayList<>();
        for (Line l : batch) {
          events.add(Map.of("id", l.id(), "timestamp", l.timestamp(), "message", l.text() + "\n"));
        }
        message.put("logEvents", events);
        w.write(Json.MAPPER.writeValueAsString(message));
        w.newLine();
      }
    }
  }
}
