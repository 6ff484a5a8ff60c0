package io.traceline.app.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.Json;
import io.traceline.model.Timeline;
import io.traceline.model.TimelineStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TimelineInputTest {

  private static final long START = SinkBenchmark.START_EPOCH_MS;

  @Test
  void theSameSeedGivesTheSameRecords() {
    assertThat(values(TimelineInput.generate(3, START, 50, 5, 30, 0.2)))
        .isEqualTo(values(TimelineInput.generate(3, START, 50, 5, 30, 0.2)))
        .isNotEqualTo(values(TimelineInput.generate(4, START, 50, 5, 30, 0.2)));
  }

  @Test
  void everyTraceHasOneTimelineAndTheRevisedOnesASecondOneLater() {
    TimelineInput input = TimelineInput.generate(1, START, 1000, 5, 30, 0.1);

    assertThat(input.timelines()).isEqualTo(1000);
    assertThat(input.revisions()).isBetween(60, 140);
    assertThat(input.records()).hasSize(1000 + input.revisions());
    assertThat(input.revisionSum()).isEqualTo(1000L + input.revisions());
    Map<String, Integer> firstAt = new HashMap<>();
    Map<String, Integer> ordinal = new HashMap<>();
    long events = 0;
    long bytes = 0;
    List<TimelineInput.TimelineRecord> records = input.records();
    for (int i = 0; i < records.size(); i++) {
      TimelineInput.TimelineRecord r = records.get(i);
      Timeline t = Json.readTimeline(r.value());
      assertThat(t.traceId()).isEqualTo(r.traceId());
      assertThat(t.revision()).isEqualTo(r.revision());
      bytes += r.value().length;
      if (r.revision() == 1) {
        assertThat(firstAt.put(r.traceId(), i)).as("one first revision per trace").isNull();
        ordinal.put(r.traceId(), ordinal.size());
        assertThat(t.status()).isEqualTo(TimelineStatus.COMPLETE);
        assertThat(t.eventCount()).isBetween(1, 30);
        assertThat(t.startTime()).isBetween(START, START + 2000);
      } else {
        assertThat(r.revision()).isEqualTo(2);
        assertThat(t.status()).isEqualTo(TimelineStatus.REVISED);
        assertThat(firstAt).containsKey(r.traceId());
        assertThat(ordinal)
            .as("the second revision comes %d traces after the first", TimelineInput.REVISION_DELAY)
            .hasSize(Math.min(ordinal.get(r.traceId()) + TimelineInput.REVISION_DELAY, 1000));
        Timeline first = Json.readTimeline(records.get(firstAt.get(r.traceId())).value());
        assertThat(t.eventCount()).isGreaterThan(first.eventCount());
      }
      if (r.revision() == 2 || !revised(records, r.traceId(), i)) {
        events += t.eventCount();
        assertThat(t.eventCount()).isBetween(5, 30);
        assertThat(t.events()).hasSize(t.eventCount());
      }
    }
    assertThat(firstAt).hasSize(1000);
    assertThat(input.events()).isEqualTo(events);
    assertThat(input.bytes()).isEqualTo(bytes);
  }

  @Test
  void noRevisionsWhenNoShareIsAsked() {
    TimelineInput input = TimelineInput.generate(1, START, 200, 5, 30, 0);

    assertThat(input.revisions()).isZero();
    assertThat(input.records()).extracting(TimelineInput.TimelineRecord::revision).containsOnly(1);
  }

  private static boolean revised(
      List<TimelineInput.TimelineRecord> records, String traceId, int from) {
    for (int i = from + 1; i < records.size(); i++) {
      if (records.get(i).traceId().equals(traceId)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> values(TimelineInput input) {
    return input.records().stream().map(r -> new String(r.value(), UTF_8)).toList();
  }
}
