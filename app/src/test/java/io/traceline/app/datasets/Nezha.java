package io.traceline.app.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.traceline.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The Nezha datasets ({@code nezha-trainticket-baseline}, {@code nezha-onlineboutique}; MIT, see
 * their READMEs): log lines and span rows, and their conversion to what CloudWatch would hold.
 *
 * <ul>
 *   <li>A log line goes to log group {@code /ecs/<service>}, stream = pod, as the application wrote
 *       it (the {@code log} of the Docker record, without its newline), at the Docker record's
 *       time.
 *   <li>A span row becomes one OpenTelemetry span in JSON, in the shape CloudWatch Transaction
 *       Search writes to {@code aws/spans} (service in {@code resource.attributes}, times in epoch
 *       ns, W3C trace id), in that one log group for all services (as AWS does; stream {@code
 *       default}), at the span's end (when an exporter sends it). The rows say no span kind and no
 *       status, so the records carry none.
 * </ul>
 *
 * Service = pod name without its last two {@code -} parts ({@code
 * ts-travel-service-64469b5b48-5rjvb} -> {@code ts-travel-service}).
 */
final class Nezha {

  /** The log group CloudWatch Transaction Search writes spans to. */
  static final String SPANS_LOG_GROUP = "aws/spans";

  /** The log stream of {@link #SPANS_LOG_GROUP} (the one AWS writes). */
  static final String SPANS_LOG_STREAM = "default";

  private Nezha() {}

  /** One log line of the dataset and the trace it truly belongs to. */
  record LogLine(
      String id, long timestamp, String pod, String service, String text, String traceId) {

    CloudWatchLine toCloudWatch() {
      return new CloudWatchLine("/ecs/" + service, pod, id, timestamp, text);
    }
  }

  /**
   * One span row.
   *
   * @param id the CloudWatch event id its record gets
   * @param parentId the parent span id, null for the root ({@code root} in the file)
   * @param durationMicros the file's own {@code Duration} column (µs, rounded down)
   */
  record SpanRow(
      String id,
      String traceId,
      String spanId,
      String parentId,
      String pod,
      String service,
      String operation,
      long startNanos,
      long endNanos,
      long durationMicros) {

    /** The span as an aws/spans record. */
    String toOtelJson() {
      ObjectNode span = Json.MAPPER.createObjectNode();
      ObjectNode resource = span.putObject("resource").putObject("attributes");
      resource.put("service.name", service);
      resource.put("k8s.pod.name", pod);
      span.put("traceId", traceId);
      span.put("spanId", spanId);
      if (parentId != null) {
        span.put("parentSpanId", parentId);
      }
      span.put("name", operation);
      span.put("startTimeUnixNano", startNanos);
      span.put("endTimeUnixNano", endNanos);
      span.put("durationNano", endNanos - startNanos);
      span.putObject("status").put("code", "UNSET");
      return span.toString();
    }

    /** The same span with every time moved by {@code nanos}. */
    SpanRow shiftedBy(long nanos) {
      return new SpanRow(
          id,
          traceId,
          spanId,
          parentId,
          pod,
          service,
          operation,
          startNanos + nanos,
          endNanos + nanos,
          durationMicros);
    }

    CloudWatchLine toCloudWatch() {
      return new CloudWatchLine(
          SPANS_LOG_GROUP, SPANS_LOG_STREAM, id, endNanos / 1_000_000, toOtelJson());
    }
  }

  /** The service of a pod: its name without the last two {@code -} parts. */
  static String service(String pod) {
    return pod.replaceAll("-[^-]+-[^-]+$", "");
  }

  /** The log lines of a {@code log/*_log.csv.gz} file, in file order, with ids from {@code ids}. */
  static List<LogLine> logLines(Path csvGz, EventIds ids) throws IOException {
    List<LogLine> lines = new ArrayList<>();
    for (Map<String, String> row : rows(csvGz)) {
      JsonNode docker = Json.MAPPER.readTree(row.get("Log"));
      String pod = row.get("PodName");
      lines.add(
          new LogLine(
              ids.next(),
              Long.parseLong(row.get("TimeUnixNano")) / 1_000_000,
              pod,
              service(pod),
              docker.path("log").asText().stripTrailing(),
              row.get("TraceID")));
    }
    return lines;
  }

  /** The span rows of a {@code trace/*_trace.csv.gz} file, in file order, ids from {@code ids}. */
  static List<SpanRow> spanRows(Path csvGz, EventIds ids) throws IOException {
    List<SpanRow> spans = new ArrayList<>();
    for (Map<String, String> row : rows(csvGz)) {
      String pod = row.get("PodName");
      String parent = row.get("ParentID");
      spans.add(
          new SpanRow(
              ids.next(),
              row.get("TraceID"),
              row.get("SpanID"),
              "root".equals(parent) ? null : parent,
              pod,
              service(pod),
              row.get("OperationName"),
              Long.parseLong(row.get("StartTimeUnixNano")),
              Long.parseLong(row.get("EndTimeUnixNano")),
              Long.parseLong(row.get("Duration"))));
    }
    return spans;
  }

  /** The rows of a gzip CSV file with a header line, as column -> value. */
  private static List<Map<String, String>> rows(Path csvGz) throws IOException {
    List<Map<String, String>> rows = new ArrayList<>();
    CsvMapper mapper = new CsvMapper();
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(csvGz));
        MappingIterator<Map<String, String>> it =
            mapper.readerForMapOf(String.class).with(schema).readValues(in)) {
      while (it.hasNext()) {
        rows.add(it.next());
      }
    }
    return rows;
  }
}
