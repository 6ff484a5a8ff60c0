package io.traceline.ingest.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.ingest.decode.SubscriptionMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

@Timeout(10)
class BackfillStateTest {

  private static final Backfill.Request REQUEST =
      new Backfill.Request(List.of("/a", "/b", "/a"), 1000, 2000, "", null, false);

  @Test
  void theRequestDropsDuplicateGroupsAndRejectsAnEmptyWindow() {
    assertThat(REQUEST.logGroups()).containsExactly("/a", "/b");
    assertThatThrownBy(() -> new Backfill.Request(List.of("/a"), 5, 5, "", null, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void advancesPerGroupAndCompletesOnTheLastPage() {
    BackfillState s = BackfillState.start(REQUEST).advance("/a", "t1", 3).advance("/a", "t2", 2);
    assertThat(s.of("/a")).isEqualTo(new BackfillState.Progress("t2", false, 2, 5));
    assertThat(s.of("/b")).isEqualTo(BackfillState.Progress.NOT_STARTED);
    assertThat(s.advance("/a", null, 1).of("/a"))
        .isEqualTo(new BackfillState.Progress(null, true, 3, 6));
  }

  @Test
  void roundTripsThroughAnAtomicallyWrittenFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("state.json");
    BackfillState s = BackfillState.start(REQUEST).advance("/a", "tok/+=", 3).advance("/b", "", 1);
    s.write(file);
    s.write(file); // replaces
    assertThat(BackfillState.read(file)).isEqualTo(s);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file); // no temp file left
    }
  }

  @Test
  void aStateOfAnotherBackfillListsEveryDifference() {
    BackfillState s = BackfillState.start(REQUEST);
    assertThat(s.mismatches(new Backfill.Request(List.of("/b", "/a"), 1000, 2000, "", null, false)))
        .isEmpty();
    assertThat(s.mismatches(new Backfill.Request(List.of("/a"), 1000, 3000, "ERROR", null, false)))
        .hasSize(3);
  }

  @Test
  void refusesAFileThatIsNotAState() {
    assertThatThrownBy(() -> BackfillState.fromJson("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackfillState.fromJson("nope".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPageBecomesOneMessagePerStreamInOrder() {
    List<SubscriptionMessage> messages =
        Backfill.toMessages(
            "/aws/lambda/orders",
            List.of(
                event("s1", 1, "a", "10"),
                event("s2", 2, "b", "11"),
                event("s1", 3, "c", "12"),
                event("s2", 4, "d", "13")));
    assertThat(messages).extracting(SubscriptionMessage::logStream).containsExactly("s1", "s2");
    assertThat(messages.get(0).logEvents())
        .extracting(SubscriptionMessage.CloudWatchEvent::id)
        .containsExactly("10", "12");
    assertThat(messages.get(0).messageType()).isEqualTo(SubscriptionMessage.DATA_MESSAGE);
    assertThat(messages.get(0).logGroup()).isEqualTo("/aws/lambda/orders");
    assertThat(messages.get(1).logEvents().get(1).message()).isEqualTo("d");
  }

  private static FilteredLogEvent event(String stream, long ts, String message, String id) {
    return FilteredLogEvent.builder()
        .logStreamName(stream)
        .timestamp(ts)
        .message(message)
        .eventId(id)
        .build();
  }
}
