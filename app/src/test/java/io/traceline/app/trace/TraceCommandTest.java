package io.traceline.app.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import io.traceline.model.Json;
import io.traceline.model.Timeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The reference payloads replayed, then one of their traces looked up by its ids' forms. */
@Timeout(60)
class TraceCommandTest {

  /** The cold-start request of the reference payloads (API Gateway + 7 Lambda lines). */
  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  @TempDir static Path dir;
  private static Path timelines;

  @BeforeAll
  static void replayTheReferencePayloads() throws Exception {
    Path input =
        Path.of(TraceCommandTest.class.getResource("/replay/cw-samples.get-records.json").toURI());
    timelines = dir.resolve("timelines.jsonl");
    TracelineRun cli = new TracelineRun();
    assertThat(cli.run("replay", "-i", input.toString(), "-o", timelines.toString()))
        .as(cli.err())
        .isZero();
    // A later revision of the same trace, and a line that is no timeline.
    Timeline first = Json.readTimeline(line(TRACE).getBytes(StandardCharsets.UTF_8));
    Timeline revised =
        new Timeline(
            first.traceId(),
            first.revision() + 1,
            first.status(),
            first.startTime(),
            first.endTime(),
            first.durationMs(),
            first.entry(),
            first.services(),
            first.segments(),
            first.gaps(),
            first.bottleneck(),
            first.flags(),
            first.events(),
            first.eventCount(),
            first.edges());
    Files.writeString(
        timelines,
        new String(Json.writeTimeline(revised), StandardCharsets.UTF_8) + "\n{\"not\":1}\n",
        java.nio.file.StandardOpenOption.APPEND);
  }

  private static String line(String traceId) throws Exception {
    return Files.readAllLines(timelines).stream()
        .filter(l -> l.contains("\"traceId\":\"" + traceId + "\""))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void showsTheLatestRevisionOfATraceGivenInAnyForm() {
    for (String id :
        List.of(
            TRACE,
            "1-6916f282-8c41d2a7e5b03f19a6d4c2e1",
            "Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e1")) {
      TracelineRun cli = new TracelineRun();

      assertThat(cli.run("trace", id, "--from", timelines.toString())).as(cli.err()).isZero();

      assertThat(cli.out())
          .startsWith("trace " + TRACE)
          .contains("rev 2")
          .containsSubsequence("segments", "flags", "COLD_START", "log lines (")
          .contains("START RequestId")
          .contains("REPORT RequestId");
      assertThat(cli.err()).contains("1 lines of").contains("no timeline");
    }
  }

  @Test
  void printsTheTimelineAsJson() {
    TracelineRun cli = new TracelineRun();

    assertThat(cli.run("trace", TRACE, "--from", timelines.toString(), "--json")).isZero();

    Timeline t = Json.readTimeline(cli.out().trim().getBytes(StandardCharsets.UTF_8));
    assertThat(t.traceId()).isEqualTo(TRACE);
    assertThat(t.revision()).isEqualTo(2);
  }

  @Test
  void anUnknownTraceExitsWithItsOwnCode() {
    TracelineRun cli = new TracelineRun();

    assertThat(cli.run("trace", "0af7651916cd43dd8448eb211c80319c", "--from", timelines.toString()))
        .isEqualTo(TraceCommand.NOT_FOUND);
    assertThat(cli.err()).contains("no timeline of trace 0af7651916cd43dd8448eb211c80319c");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void badArgumentsAreAUsageErrorListingEveryProblem() {
    TracelineRun cli = new TracelineRun();

    assertThat(
            cli.run(
                "trace", "not-an-id", "--from", dir.resolve("missing").toString(), "--width", "3"))
        .isEqualTo(2);
    assertThat(cli.err())
        .contains("'not-an-id' is no trace id")
        .contains("is not a readable file")
        .contains("--width must be between 10 and 500");
  }
}
