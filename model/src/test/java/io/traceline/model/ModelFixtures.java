package io.traceline.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Contract values shared by the codec and schema tests: every field set, and the minimum. */
final class ModelFixtures {

  /** A real-shaped CloudWatch event id: 56 decimal digits, larger than 2^64. */
  static final String CLOUDWATCH_ID = "36793265186587381364826348923875925684718272436328120320";

  static final String TRACE_ID = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  private ModelFixtures() {}

  /** An event with every field set, including an error text next to a failed status. */
  static LogEvent fullEvent() {
    return LogEvent.builder()
        .id(CLOUDWATCH_ID)
        .timestamp(1_763_111_555_873L)
        .ingestedAt(1_763_111_556_002L)
        .trace(TRACE_ID, TraceIdFormat.XRAY_HEADER)
        .spanId("5b8f2d1c9a3e7046")
        .parentSpanId("05e3ac9a4f6e3b90")
        .requestId("8f5a1c2e-7b3d-4e9f-a1b2-c3d4e5f60718")
        .service("orders")
        .operation("POST /orders")
        .logGroup("/aws/lambda/orders")
        .logStream("2025/11/14/[$LATEST]0123456789abcdef0123456789abcdef")
        .level("error")
        .message("Task timed out after 3.00 seconds")
        .kind(EventKind.LAMBDA_REPORT)
        .durationMs(3000.42)
        .status("timeout")
        .error("Sandbox.Timedout")
        .attribute(LogEvent.COLD_START, "true")
        .attribute(LogEvent.INIT_DURATION_MS, "276.94")
        .build();
  }

  /** An event with only what the contract requires. */
  static LogEvent minimalEvent() {
    return LogEvent.builder().id("1").build();
  }

  /** An event cut to its bounds: the longest message, the most attributes, long values. */
  static LogEvent truncatedEvent() {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < LogEvent.MAX_ATTRIBUTES + 10; i++) {
      attributes.put("key" + i, "v".repeat(LogEvent.MAX_ATTRIBUTE_CHARS + 1));
    }
    return LogEvent.builder()
        .id("2")
        .message("m".repeat(LogEvent.MAX_MESSAGE_CHARS + 1))
        .attributes(attributes)
        .build();
  }

  /** A timeline with every field set, including a bottleneck and flags with values. */
  static Timeline fullTimeline() {
    LogEvent report = fullEvent();
    LogEvent access =
        LogEvent.builder()
            .id("36793265186587381364826348923875925684718272436328120321")
            .timestamp(1_763_111_552_800L)
            .trace(TRACE_ID, TraceIdFormat.XRAY)
            .service("api")
            .kind(EventKind.ACCESS_LOG)
            .durationMs(3100.0)
            .status("504")
            .build();
    return new Timeline(
        TRACE_ID,
        2,
        TimelineStatus.REVISED,
        1_763_111_552_800L,
        1_763_111_555_900L,
        3_100L,
        new Timeline.Hop("api", "POST /orders"),
        List.of("api", "orders"),
        List.of(
            new Timeline.Segment(
                "api",
                "POST /orders",
                1_763_111_552_800L,
                1_763_111_555_900L,
                3_100L,
                100L,
                1,
                1,
                false,
                1),
            new Timeline.Segment(
                "orders",
                null,
                1_763_111_552_873L,
                1_763_111_555_873L,
                3_000L,
                3_000L,
                1,
                1,
                true,
                1)),
        List.of(
            new Timeline.Gap(
                "api", "orders", "handler", 1_763_111_552_800L, 1_763_111_552_873L, 73L)),
        new Timeline.Bottleneck(
            Timeline.BottleneckKind.SEGMENT, "orders", "handler", null, 3_000L, 0.9677),
        List.of(
            new Timeline.Flag(
                FlagType.SEGMENT_OUTLIER,
                "orders",
                "handler",
                3000.0,
                250.0,
                0.99,
                12.0,
                "orders handler took 3000 ms, p99 is 250 ms"),
            new Timeline.Flag(FlagType.TIMEOUT, "orders", 3000.42, 3000.0, "Lambda timed out"),
            new Timeline.Flag(FlagType.COLD_START, "orders", null, null, "init 276.94 ms"),
            new Timeline.Flag(FlagType.SLO_BREACH, null, 3100.0, 1000.0, "over the route SLA"),
            new Timeline.Flag(
                FlagType.SEGMENT_OUTLIER,
                "orders",
                "handler",
                3000.0,
                250.0,
                0.99,
                12.0,
                "orders handler took 3000 ms, p99 is 250 ms")),
        List.of(access, report),
        5,
        List.of(new Timeline.Edge("api", "orders", "handler", 1_763_111_552_800L, 3_073L, true)));
  }

  /** A timeline with empty lists and no bottleneck. */
  static Timeline minimalTimeline() {
    return new Timeline(
        TRACE_ID,
        1,
        TimelineStatus.COMPLETE,
        10L,
        10L,
        0L,
        new Timeline.Hop("api", null),
        List.of(),
        List.of(),
        List.of(),
        null,
        List.of(),
        List.of(),
        0,
        List.of());
  }
}
