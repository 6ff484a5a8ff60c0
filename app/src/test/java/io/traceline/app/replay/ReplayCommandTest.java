package io.traceline.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.traceline.app.TracelineRun;
import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of replay: the reference payloads (cw-subscription-samples.json) written as
 * an `aws kinesis get-records` file replay into one timeline that joins the API Gateway access log
 * and the Lambda lines of the same request.
 */
@Timeout(120)
class ReplayCommandTest {

  private static final String JOINED_TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  @TempDir Path dir;
  private final TracelineRun cli = new TracelineRun();

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(ReplayCommandTest.class.getResource("/replay/" + name).toURI());
  }

  private int replay(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "replay";
    System.arraycopy(args, 0, full, 1, args.length);
    return cli.run(full);
  }

  private static List<Timeline> read(Path output) throws Exception {
    return Files.readAllLines(output, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank())
        .map(l -> Json.readTimeline(l.getBytes(StandardCharsets.UTF_8)))
        .toList();
  }

  @Test
  void referencePayloadsReplayIntoOneJoinedTimelinePerRequest() throws Exception {
    Path out = dir.resolve("timelines.jsonl");
    int code =
        replay(
            "--input",
            fixture("cw-samples.get-records.json").toString(),
            "--output",
            out.toString());

    assertThat(code).isZero();
    List<Timeline> timelines = read(out);
    // Three API Gateway requests; the 502 one joins the Lambda cold start.
    assertThat(timelines).hasSize(3);
    Timeline joined =
        timelines.stream().filter(t -> t.traceId().equals(JOINED_TRACE)).findFirst().orElseThrow();
    assertThat(joined.services()).containsExactly("orders-api-prod", "orders-api");
    assertThat(joined.entry().service()).isEqualTo("orders-api-prod");
    assertThat(joined.events())
        .extracting(LogEvent::kind)
        .contains(
            EventKind.ACCESS_LOG,
            EventKind.LAMBDA_INIT,
            EventKind.LAMBDA_START,
            EventKind.APP,
            EventKind.LAMBDA_END,
            EventKind.LAMBDA_REPORT);
    assertThat(joined.eventCount()).isEqualTo(8); // 1 access log + 7 Lambda lines
    assertThat(joined.hasFlag(FlagType.COLD_START)).isTrue();
    assertThat(
            joined.segments().stream()
                .filter(s -> s.service().equals("orders-api"))
                .findFirst()
                .orElseThrow()
                .coldStart())
        .isTrue();
    assertThat(joined.hasFlag(FlagType.SLO_BREACH)).isTrue();
    assertThat(joined.durationMs()).isEqualTo(2358);
    assertThat(joined.events()).extracting(LogEvent::timestamp).isSorted();

    // Events carry the Kinesis arrival time of their record as their ingestion time.
    assertThat(joined.events())
        .filteredOn(e -> e.kind() == EventKind.ACCESS_LOG)
        .extracting(LogEvent::ingestedAt)
        .containsExactly(java.time.Instant.parse("2025-11-14T09:12:38.977Z").toEpochMilli());

    // The CONTROL_MESSAGE is skipped and counted.
    assertThat(cli.err()).contains("3 records, 1 control messages skipped, 0 bad");
  }

  @Test
  void replayOutputConformsToTheTimelineSchema() throws Exception {
    Path out = dir.resolve("timelines.jsonl");
    assertThat(
            replay("-i", fixture("cw-samples.get-records.json").toString(), "-o", out.toString()))
        .isZero();
    JsonSchema schema =
        JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder ->
                    builder.schemaMappers(
                        mappers ->
                            mappers.mapPrefix(
                                "https://traceline.example/schema/", "classpath:schema/")))
            .getSchema(SchemaLocation.of("classpath:schema/timeline.schema.json"));
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    for (String line : lines) {
      assertThat(schema.validate(Json.MAPPER.readTree(line))).as(line).isEmpty();
    }
  }

  @Test
  void everyInputFormatGivesTheSameTimelines() throws Exception {
    Path fromGetRecords = dir.resolve("a.jsonl");
    Path fromData = dir.resolve("b.jsonl");
    Path fromDecoded = dir.resolve("c.jsonl");
    assertThat(
            replay(
                "-i",
                fixture("cw-samples.get-records.json").toString(),
                "-o",
                fromGetRecords.toString()))
        .isZero();
    assertThat(replay("-i", fixture("cw-samples.data.jsonl").toString(), "-o", fromData.toString()))
        .isZero();
    assertThat(
            replay(
                "-i", fixture("cw-samples.decoded.jsonl").toString(), "-o", fromDecoded.toString()))
        .isZero();
    List<Timeline> reference = read(fromGetRecords);
    for (List<Timeline> other : List.of(read(fromData), read(fromDecoded))) {
      // ingestedAt is the time of parsing: compare everything else.
      assertThat(other)
          .usingRecursiveFieldByFieldElementComparatorIgnoringFields("events")
          .isEqualTo(reference);
      assertThat(other.stream().flatMap(t -> t.events().stream()).map(LogEvent::id).toList())
          .isEqualTo(
              reference.stream().flatMap(t -> t.events().stream()).map(LogEvent::id).toList());
    }
  }

  @Test
  void badRecordsAreReportedWithCountsAndNeverStopTheReplay() throws Exception {
    Path out = dir.resolve("out.jsonl");
    int code =
        replay(
            "-i",
            fixture("bad-lines.jsonl").toString(),
            fixture("cw-samples.get-records.json").toString(),
            "-o",
            out.toString());
    assertThat(code).isZero();
    assertThat(read(out)).hasSize(3);
    assertThat(cli.err()).contains("bad records by reason");
  }

  @Test
  void aMissingInputIsAUsageErrorListingEveryProblem() {
    int code =
        replay(
            "-i",
            dir.resolve("nope.json").toString(),
            dir.resolve("nope2.json").toString(),
            "-o",
            dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(cli.err()).contains("nope.json").contains("nope2.json").contains("is a directory");
  }

  @Test
  void missingArgumentsAreAUsageError() {
    assertThat(replay()).isEqualTo(2);
  }
}
