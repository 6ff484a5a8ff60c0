package io.traceline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.Json;
import io.traceline.model.Timeline;
import io.traceline.model.TimelineStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JsonLinesTimelineWriterTest {

  private static Timeline timeline(String traceId, int revision, long start) {
    return new Timeline(
        traceId,
        revision,
        revision == 1 ? TimelineStatus.COMPLETE : TimelineStatus.REVISED,
        start,
        start + 10,
        10,
        new Timeline.Hop("api", "GET /"),
        List.of("api"),
        List.of(new Timeline.Segment("api", "GET /", start, start + 10, 10, 10, 1, 0, false, 1)),
        List.of(),
        null,
        List.of(),
        List.of(),
        revision,
        List.of());
  }

  private static List<Timeline> lines(ByteArrayOutputStream out) {
    return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(l -> !l.isEmpty())
        .map(l -> Json.readTimeline(l.getBytes(StandardCharsets.UTF_8)))
        .toList();
  }

  @Test
  void keepsTheLatestRevisionOfEachTraceWhateverTheArrivalOrder() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String a = "0".repeat(31) + "a";
    String b = "0".repeat(31) + "b";
    try (JsonLinesTimelineWriter writer = new JsonLinesTimelineWriter(out)) {
      writer.write(timeline(b, 1, 200));
      writer.write(timeline(a, 2, 100));
      writer.write(timeline(a, 1, 100)); // an older revision arriving late
      writer.write(timeline(b, 3, 200));
      assertThat(writer.traces()).isEqualTo(2);
    }
    List<Timeline> written = lines(out);
    assertThat(written).extracting(Timeline::traceId).containsExactly(a, b);
    assertThat(written).extracting(Timeline::revision).containsExactly(2, 3);
  }
}
