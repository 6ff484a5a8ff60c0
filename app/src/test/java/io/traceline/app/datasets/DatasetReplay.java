package io.traceline.app.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.Traceline;
import io.traceline.model.Json;
import io.traceline.model.Timeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs converted dataset lines through {@code traceline replay}: the real decode, parse and
 * correlator path. The lines are written in time order (as CloudWatch would deliver them, give or
 * take its lag) as decoded subscription messages.
 */
final class DatasetReplay {

  /** What replay produced. */
  record Result(List<Timeline> timelines, String log) {}

  private DatasetReplay() {}

  /**
   * Replays {@code lines} with the given extra replay options, in {@code dir}.
   *
   * @return the timelines replay wrote (the last revision of each trace) and its stderr
   */
  static Result replay(Path dir, List<CloudWatchLine> lines, String... options) throws IOException {
    List<CloudWatchLine> ordered = new ArrayList<>(lines);
    ordered.sort(Comparator.comparingLong(CloudWatchLine::timestamp));
    Path input = dir.resolve("input.decoded.jsonl");
    SubscriptionMessages.write(ordered, input);
    Path output = dir.resolve("timelines.jsonl");
    StringWriter err = new StringWriter();
    CommandLine cl = Traceline.commandLine();
    cl.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("replay", "-i", input.toString()));
    args.addAll(List.of(options));
    args.addAll(List.of("-o", output.toString()));
    assertThat(cl.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
    List<Timeline> timelines = new ArrayList<>();
    for (String json : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      timelines.add(Json.readTimeline(json.getBytes(StandardCharsets.UTF_8)));
    }
    return new Result(timelines, err.toString());
  }
}
