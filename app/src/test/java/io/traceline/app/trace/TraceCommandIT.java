package io.traceline.app.trace;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.embedded.junit.OpenSearchExtension;
import io.traceline.model.Json;
import io.traceline.model.Timeline;
import io.traceline.sink.opensearch.Doc;
import io.traceline.sink.opensearch.DocKind;
import io.traceline.sink.opensearch.Documents;
import io.traceline.sink.opensearch.ItemResult;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import io.traceline.sink.opensearch.OpenSearchSettings;
import io.traceline.sink.opensearch.Outcome;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The reference payloads replayed and indexed into a real OpenSearch, then one looked up. */
@Timeout(120)
@ExtendWith(OpenSearchExtension.class)
class TraceCommandIT {

  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  @TempDir static Path dir;
  private static URI opensearch;

  @BeforeAll
  static void indexTheReferenceTimelines(EmbeddedOpenSearch server) throws Exception {
    Path input =
        Path.of(TraceCommandIT.class.getResource("/replay/cw-samples.get-records.json").toURI());
    Path timelines = dir.resolve("timelines.jsonl");
    TracelineRun cli = new TracelineRun();
    assertThat(cli.run("replay", "-i", input.toString(), "-o", timelines.toString()))
        .as(cli.err())
        .isZero();
    opensearch = server.httpUri();
    try (OpenSearchIndexer indexer = OpenSearchIndexer.create(OpenSearchSettings.of(opensearch))) {
      indexer.installTemplates();
      List<Doc> docs = new ArrayList<>();
      for (String line : Files.readAllLines(timelines)) {
        Timeline t = Json.readTimeline(line.getBytes(UTF_8));
        docs.add(Documents.of(DocKind.TIMELINE, t.traceId().getBytes(UTF_8), line.getBytes(UTF_8)));
      }
      assertThat(indexer.index(docs)).extracting(ItemResult::outcome).containsOnly(Outcome.INDEXED);
    }
    // Searchable once refreshed.
    assertThat(server.send("POST", "/_refresh", null).statusCode()).isEqualTo(200);
  }

  @Test
  void showsATimelineIndexedInOpenSearch() {
    TracelineRun cli = new TracelineRun();

    assertThat(
            cli.run(
                "trace",
                "Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e1",
                "--opensearch",
                opensearch.toString()))
        .as(cli.err())
        .isZero();

    assertThat(cli.out())
        .startsWith("trace " + TRACE)
        .containsSubsequence("segments", "flags", "COLD_START", "log lines (8 of 8)")
        .contains("REPORT RequestId");
  }

  @Test
  void aTraceNotIndexedExitsWithItsOwnCode() {
    TracelineRun cli = new TracelineRun();

    assertThat(
            cli.run(
                "trace", "0af7651916cd43dd8448eb211c80319c", "--opensearch", opensearch.toString()))
        .isEqualTo(TraceCommand.NOT_FOUND);
    assertThat(cli.err()).contains("no timeline of trace 0af7651916cd43dd8448eb211c80319c");
  }
}
