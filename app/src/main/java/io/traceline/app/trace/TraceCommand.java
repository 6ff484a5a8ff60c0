package io.traceline.app.trace;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.app.UsageException;
import io.traceline.app.render.TimelineReport;
import io.traceline.model.Json;
import io.traceline.model.Timeline;
import io.traceline.model.TraceIds;
import io.traceline.sink.opensearch.DocKind;
import io.traceline.sink.opensearch.OpenSearchConnection;
import io.traceline.sink.opensearch.OpenSearchSettings;
import io.traceline.sink.opensearch.OpenSearchUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code traceline trace <trace-id>}: finds a request's timeline at its latest revision and shows
 * it in full ({@link TimelineReport}) or as JSON. The id may be in any form ingest recognises (W3C
 * {@code traceparent}, X-Ray id or header, B3, 32 hex). Reads it from OpenSearch, where {@code
 * traceline sink} indexes timelines, or from the timelines {@code traceline replay} writes (JSON
 * lines; a line that is no timeline is skipped and counted on stderr).
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "Shows one request's timeline: the Gantt chart, segments, gaps, flags, calls and the",
      "ordered log lines (or --json). The trace id may be a W3C traceparent, an X-Ray id or",
      "header, a B3 id or 32 hex. Reads it from OpenSearch (--opensearch, where `traceline sink`",
      "indexes timelines) or from the JSON lines `traceline replay` writes (--from)."
    })
public final class TraceCommand implements Callable<Integer> {

  /** Exit code when no timeline of the trace was found. */
  static final int NOT_FOUND = 3;

  @Parameters(index = "0", paramLabel = "TRACE-ID", description = "The trace id, in any form.")
  String traceId;

  @Option(
      names = "--from",
      paramLabel = "FILE",
      description = "Timelines as JSON lines (the output of `traceline replay`).")
  Path from;

  @Option(
      names = "--opensearch",
      paramLabel = "URL",
      description = "OpenSearch, where `traceline sink` indexes timelines (http://host:9200).")
  URI opensearch;

  @Option(names = "--json", description = "Print the timeline's JSON instead of the report.")
  boolean json;

  @Option(
      names = "--width",
      defaultValue = "60",
      description = "Width of the chart's time axis, in characters (default: ${DEFAULT-VALUE}).")
  int width;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    String canonical = canonical();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Found found = opensearch != null ? fromOpenSearch(canonical) : find(canonical);
    if (found.skipped() > 0) {
      err.printf(
          "traceline trace: %d lines of %s are no timeline; skipped%n", found.skipped(), from);
    }
    if (found.timeline() == null) {
      err.printf(
          "traceline trace: no timeline of trace %s in %s%n",
          canonical, opensearch != null ? opensearch : from);
      err.flush();
      return NOT_FOUND;
    }
    if (json) {
      out.println(new String(Json.writeTimeline(found.timeline()), StandardCharsets.UTF_8));
    } else {
      out.print(new TimelineReport(width).render(found.timeline()));
    }
    out.flush();
    err.flush();
    return 0;
  }

  /** The canonical id of the argument; a usage error listing every problem otherwise. */
  private String canonical() {
    TraceIds.Result result = TraceIds.parse(traceId);
    List<String> problems = new java.util.ArrayList<>();
    if (result instanceof TraceIds.Rejected rejected) {
      problems.add("TRACE-ID '" + traceId + "' is no trace id (" + rejected.reason() + ")");
    }
    if ((from == null) == (opensearch == null)) {
      problems.add("give one of --from FILE and --opensearch URL");
    } else if (from != null && (!Files.isReadable(from) || Files.isDirectory(from))) {
      problems.add("--from " + from + " is not a readable file");
    } else if (opensearch != null) {
      OpenSearchSettings.of(opensearch).problems().forEach(p -> problems.add("--opensearch: " + p));
    }
    if (width < 10 || width > 500) {
      problems.add("--width must be between 10 and 500, was " + width);
    }
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid trace options", problems);
    }
    return ((TraceIds.Parsed) result).traceId();
  }

  /** The latest revision of the trace in the file, and the lines that were no timeline. */
  private record Found(Timeline timeline, int skipped) {}

  private Found fromOpenSearch(String canonical) throws IOException {
    try (OpenSearchConnection search =
        OpenSearchConnection.open(OpenSearchSettings.of(opensearch))) {
      Optional<JsonNode> json = search.latest(DocKind.TIMELINE, canonical);
      return new Found(json.map(TraceCommand::timeline).orElse(null), 0);
    } catch (OpenSearchUnavailableException e) {
      throw new IOException(
          "OpenSearch at " + opensearch + " is unavailable: " + e.getMessage(), e);
    }
  }

  private static Timeline timeline(JsonNode json) {
    try {
      return Json.readTimeline(Json.MAPPER.writeValueAsBytes(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Found find(String canonical) throws IOException {
    Timeline latest = null;
    int skipped = 0;
    try (BufferedReader in = Files.newBufferedReader(from, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        Timeline t;
        try {
          t = Json.readTimeline(line.getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
          skipped++;
          continue;
        }
        if (t.traceId().equals(canonical) && (latest == null || t.revision() > latest.revision())) {
          latest = t;
        }
      }
    }
    return new Found(latest, skipped);
  }
}
