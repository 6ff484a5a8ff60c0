package io.traceline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class LogEventTest {

  private static final long T = 1_763_111_555_873L;

  @ParameterizedTest(name = "[{index}] {0} {1} ms -> [{2}, {3}]")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          APP           | 250.0 | 0    | 0
          LAMBDA_INIT   | 250.0 | 0    | 0
          LAMBDA_START  | 250.0 | 0    | 0
          LAMBDA_END    | 250.0 | 0    | 0
          ACCESS_LOG    | 250.0 | 0    | 250
          SPAN          | 250.0 | 0    | 250
          LAMBDA_REPORT | 250.0 | -250 | 0
          DB_SLOW_QUERY | 250.0 | -250 | 0
          ACCESS_LOG    | 12.4  | 0    | 12
          ACCESS_LOG    | 12.5  | 0    | 13
          LAMBDA_REPORT | 12.5  | -13  | 0
          LAMBDA_REPORT | 0.0   | 0    | 0
          ACCESS_LOG    | null  | 0    | 0
          LAMBDA_REPORT | null  | 0    | 0
          """)
  void derivesTheIntervalFromTheKindsAnchor(
      EventKind kind, Double durationMs, long startOffset, long endOffset) {
    LogEvent event =
        LogEvent.builder().id("1").timestamp(T).kind(kind).durationMs(durationMs).build();

    assertThat(event.startTime()).isEqualTo(T + startOffset);
    assertThat(event.endTime()).isEqualTo(T + endOffset);
  }

  @ParameterizedTest
  @EnumSource(EventKind.class)
  void everyKindCoversAnIntervalOfItsDurationOrAnInstant(EventKind kind) {
    LogEvent event = LogEvent.builder().id("1").timestamp(T).kind(kind).durationMs(100.0).build();

    long covered = event.endTime() - event.startTime();

    assertThat(covered).isEqualTo(kind.anchor() == EventKind.Anchor.POINT ? 0 : 100);
    assertThat(T).isBetween(event.startTime(), event.endTime());
  }

  @ParameterizedTest(name = "[{index}] level={0} status={1} error={2} -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          null     | null    | null             | false
          INFO     | 200     | null             | false
          WARN     | 404     | null             | false
          debug    | 429     | null             | false
          ERROR    | null    | null             | true
          error    | null    | null             | true
          ERR      | null    | null             | true
          FATAL    | null    | null             | true
          critical | null    | null             | true
          panic    | null    | null             | true
          null     | 500     | null             | true
          null     | 502     | null             | true
          null     | 504     | null             | true
          null     | 5xx     | null             | true
          null     | 599     | null             | true
          null     | 499     | null             | false
          null     | timeout | null             | true
          null     | TIMEOUT | null             | true
          null     | error   | null             | true
          null     | Failure | null             | true
          null     | success | null             | false
          null     | ok      | null             | false
          null     | 50      | null             | false
          null     | 5000    | null             | false
          INFO     | 200     | Sandbox.Timedout | true
          """)
  void reportsWhetherTheLineIsAFailure(
      String level, String status, String error, boolean expected) {
    LogEvent event = LogEvent.builder().id("1").level(level).status(status).error(error).build();

    assertThat(event.isError()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          warning     | WARN
          ' info '    | INFO
          Information | INFO
          err         | ERROR
          critical    | FATAL
          trace       | TRACE
          """)
  void normalisesTheLevel(String level, String expected) {
    assertThat(LogEvent.builder().id("1").level(level).build().level()).isEqualTo(expected);
  }

  @Test
  void isKeyedOnlyWithATraceId() {
    LogEvent unkeyed = ModelFixtures.minimalEvent();
    LogEvent keyed = ModelFixtures.fullEvent();

    assertThat(unkeyed.isKeyed()).isFalse();
    assertThat(keyed.isKeyed()).isTrue();
  }

  @Test
  void rejectsANonCanonicalTraceId() {
    assertThatThrownBy(
            () ->
                LogEvent.builder().id("1").trace("6916F2828C41D2A7E5B03F19A6D4C2E1", null).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogEvent.builder().id("1").trace(null, TraceIdFormat.HEX32).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsABlankId() {
    assertThatThrownBy(() -> LogEvent.builder().id(" ").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogEvent.builder().build()).isInstanceOf(NullPointerException.class);
  }

  @Test
  void toBuilderRebuildsAnEqualEvent() {
    LogEvent event = ModelFixtures.fullEvent();

    assertThat(event.toBuilder().build()).isEqualTo(event);
  }

  @ParameterizedTest
  @CsvSource({"-1.0", "NaN", "Infinity", "-Infinity", "604800000.5"})
  void aDurationThatIsNoDurationIsDroppedButKept(double bad) {
    LogEvent event =
        LogEvent.builder().id("1").timestamp(T).kind(EventKind.ACCESS_LOG).durationMs(bad).build();

    assertThat(event.durationMs()).isNull();
    assertThat(event.attributes()).containsEntry(LogEvent.INVALID_DURATION_MS, String.valueOf(bad));
    assertThat(event.endTime()).isEqualTo(T);
    assertThat(event.toBuilder().build()).isEqualTo(event);
  }

  @Test
  void theLongestDurationIsSevenDays() {
    LogEvent event =
        LogEvent.builder().id("1").timestamp(T).durationMs(LogEvent.MAX_DURATION_MS).build();
    assertThat(event.durationMs()).isEqualTo(LogEvent.MAX_DURATION_MS);
  }

  @Test
  void rejectsATimestampOutsideYearsZeroToNineThousandNineHundredNinetyNine() {
    assertThatThrownBy(() -> LogEvent.builder().id("1").timestamp(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> LogEvent.builder().id("1").timestamp(LogEvent.MAX_TIMESTAMP + 1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(LogEvent.builder().id("1").timestamp(LogEvent.MAX_TIMESTAMP).build().timestamp())
        .isEqualTo(LogEvent.MAX_TIMESTAMP);
  }

  @Test
  void cuttingALongMessageNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00";
    String message = "x".repeat(LogEvent.MAX_MESSAGE_CHARS - 1) + emoji + "tail";
    LogEvent event = LogEvent.builder().id("1").message(message).build();

    assertThat(event.message()).hasSize(LogEvent.MAX_MESSAGE_CHARS - 1);
    assertThat(Character.isHighSurrogate(event.message().charAt(event.message().length() - 1)))
        .isFalse();
    assertThat(event.attributes()).containsEntry(LogEvent.TRUNCATED, "true");
  }

  static Stream<Map<String, String>> attributeMaps() {
    Map<String, String> withNulls = new LinkedHashMap<>();
    withNulls.put("a", "1");
    withNulls.put("b", null);
    withNulls.put(null, "2");
    Map<String, String> thirtyOne = new LinkedHashMap<>();
    Map<String, String> thirtyTwo = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      if (i < 31) {
        thirtyOne.put("k" + i, "v" + i);
      }
      if (i < 32) {
        thirtyTwo.put("k" + i, "v" + i);
      }
    }
    Map<String, String> forty = new LinkedHashMap<>(thirtyTwo);
    for (int i = 32; i < 40; i++) {
      forty.put("k" + i, "v" + i);
    }
    return Stream.of(
        Map.of(),
        Map.of("coldStart", "true"),
        new LinkedHashMap<>(Map.of("a", "1", "b", "2", "c", "3")),
        new HashMap<>(Map.of("a", "1", "b", "2")),
        withNulls,
        Map.of("a", "1", LogEvent.TRUNCATED, "true"),
        Map.of("a", "1", LogEvent.TRUNCATED, "false"),
        Map.of("a", "x".repeat(LogEvent.MAX_ATTRIBUTE_CHARS)),
        Map.of("a", "x".repeat(LogEvent.MAX_ATTRIBUTE_CHARS + 1)),
        thirtyOne,
        thirtyTwo,
        forty);
  }

  @ParameterizedTest
  @MethodSource("attributeMaps")
  void attributesAreBoundedAsByTheReferenceRules(Map<String, String> attributes) {
    for (Double duration : new Double[] {null, 5.0, -1.0}) {
      for (String message : new String[] {"m", "m".repeat(LogEvent.MAX_MESSAGE_CHARS + 1)}) {
        LogEvent event = withAttributes(attributes, duration, message);

        assertThat(event.attributes())
            .as("%s, duration %s, message of %d", attributes, duration, message.length())
            .isEqualTo(referenceBound(attributes, duration, message.length()));
        assertThatThrownBy(() -> event.attributes().put("z", "1"))
            .isInstanceOf(UnsupportedOperationException.class);
      }
    }
  }

  @Test
  void attributesAreACopyOfAMutableMap() {
    Map<String, String> attributes = new LinkedHashMap<>(Map.of("a", "1"));
    LogEvent event = withAttributes(attributes, null, "m");

    attributes.put("b", "2");

    assertThat(event.attributes()).containsOnly(Map.entry("a", "1"));
  }

  /** An event made by the canonical constructor, as the parsers make them. */
  private static LogEvent withAttributes(
      Map<String, String> attributes, Double durationMs, String message) {
    return new LogEvent(
        "1",
        T,
        T,
        null,
        null,
        null,
        null,
        null,
        "svc",
        null,
        "group",
        "stream",
        "INFO",
        message,
        EventKind.APP,
        durationMs,
        null,
        null,
        attributes);
  }

  /** The bounding rules as written before the constructor kept in-bound maps without a copy. */
  private static Map<String, String> referenceBound(
      Map<String, String> attributes, Double durationMs, int messageLength) {
    boolean cut = messageLength > LogEvent.MAX_MESSAGE_CHARS;
    Map<String, String> bounded = new LinkedHashMap<>();
    if (durationMs != null && !(durationMs >= 0 && durationMs <= LogEvent.MAX_DURATION_MS)) {
      bounded.put(LogEvent.INVALID_DURATION_MS, String.valueOf(durationMs));
    }
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        continue;
      }
      if (LogEvent.TRUNCATED.equals(e.getKey())) {
        cut |= "true".equals(e.getValue());
        continue;
      }
      if (bounded.size() >= LogEvent.MAX_ATTRIBUTES - 1) {
        cut = true;
        break;
      }
      String value = e.getValue();
      if (value.length() > LogEvent.MAX_ATTRIBUTE_CHARS) {
        value = value.substring(0, LogEvent.MAX_ATTRIBUTE_CHARS);
        cut = true;
      }
      bounded.put(e.getKey(), value);
    }
    if (cut) {
      bounded.put(LogEvent.TRUNCATED, "true");
    }
    return Map.copyOf(bounded);
  }
}
