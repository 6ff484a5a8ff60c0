package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Fields} keeps attributes in arrays and hands the event an immutable map: the event must
 * come out as it did when the attributes were a {@code LinkedHashMap} in the order first set.
 */
@Timeout(10)
class FieldsTest {

  private static final LogSource SOURCE = LogSource.of("/ecs/inventory-svc", "app/abc");
  private static final CloudWatchEvent EVENT =
      new CloudWatchEvent("39318701540224563135014433036752539929575454882676604928", 1L, "x");

  @Test
  void anAttributeKeepsItsFirstValueAndIgnoresNull() {
    Fields f = new Fields();
    f.attribute("a", "1");
    f.attribute("a", "2");
    f.attribute("b", null);
    f.attribute("c", "3");

    assertThat(f.attribute("a")).isEqualTo("1");
    assertThat(f.attribute("b")).isNull();
    assertThat(f.attribute("c")).isEqualTo("3");
    assertThat(f.attribute("d")).isNull();
    assertThat(new Fields().attribute("a")).isNull();
    assertThat(f.build(SOURCE, EVENT, "x", 2L).attributes())
        .containsOnly(Map.entry("a", "1"), Map.entry("c", "3"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 5, 6, 7, 12, 28, 29, 30, 31, 32, 40})
  void theEventsAttributesAreThoseOfAMapInTheOrderFirstSet(int count) {
    for (Double duration : new Double[] {null, 12.5, -1.0}) {
      Fields f = new Fields();
      Map<String, String> expected = new LinkedHashMap<>();
      for (int i = count - 1; i >= 0; i--) { // not in key order: the order set counts
        f.attribute("k" + i, "v" + i);
        expected.put("k" + i, "v" + i);
      }
      f.durationMs = duration;

      LogEvent event = f.build(SOURCE, EVENT, "x", 2L);

      assertThat(event.attributes())
          .as("%d attributes, duration %s", count, duration)
          .isEqualTo(reference(expected, duration).attributes());
      assertThat(event).isEqualTo(reference(expected, duration));
    }
  }

  @Test
  void aValueTooLongIsCutAsBefore() {
    Fields f = new Fields();
    f.attribute("stack", "s".repeat(LogEvent.MAX_ATTRIBUTE_CHARS + 10));
    f.attribute("b", "1");

    LogEvent event = f.build(SOURCE, EVENT, "x", 2L);

    assertThat(event.attributes().get("stack")).hasSize(LogEvent.MAX_ATTRIBUTE_CHARS);
    assertThat(event.attributes()).containsEntry(LogEvent.TRUNCATED, "true").containsKey("b");
  }

  /** The event as built before: the attributes in a LinkedHashMap, in the order first set. */
  private static LogEvent reference(Map<String, String> attributes, Double duration) {
    return new LogEvent(
        EVENT.id(),
        EVENT.timestamp(),
        2L,
        null,
        null,
        null,
        null,
        null,
        SOURCE.groupService(),
        null,
        SOURCE.logGroup(),
        SOURCE.logStream(),
        null,
        "x",
        EventKind.APP,
        duration,
        null,
        null,
        attributes.isEmpty() ? null : attributes);
  }
}
