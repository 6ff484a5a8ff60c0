package io.traceline.sink.opensearch;

import io.traceline.model.Alert;
import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.ServiceEdgeStats;
import io.traceline.model.Timeline;
import io.traceline.model.TimelineStatus;
import io.traceline.model.TraceIdFormat;
import java.util.ArrayList;
import java.util.List;

/** Model values built with the model's own types, as the correlator writes them to Kafka. */
public final class Fixtures {

  private Fixtures() {}

  /**
   * A two-service request: an API Gateway access log and a Lambda line per revision, the Lambda
   * line with free-form attributes; flagged SLO_BREACH. Each revision adds one event and ends
   * later.
   */
  static Timeline timeline(String traceId, int revision, long start) {
    List<LogEvent> events = new ArrayList<>();
    events.add(event(traceId, "e-gw", start, "shop-api", "GET /orders/{id}", EventKind.ACCESS_LOG));
    for (int i = 1; i <= revision; i++) {
      events.add(
          LogEvent.builder()
              .id("e-fn-" + i)
              .timestamp(start + 100L * i)
              .ingestedAt(start + 100L * i + 5)
              .trace(traceId, TraceIdFormat.HEX32)
              .service("checkout-fn")
              .logGroup("/aws/lambda/checkout-fn")
              .logStream("2026/11/21/[$LATEST]abc")
              .level("INFO")
              .message("order loaded " + i)
              .kind(EventKind.APP)
              .attribute("customer.tier", "gold")
              .attribute("db.statement." + i, "SELECT 1")
              .build());
    }
    long end = start + 100L * revision + 50;
    Timeline.Segment gateway =
        new Timeline.Segment(
            "shop-api", "GET /orders/{id}", start, end, end - start, 20, 1, 0, false, 1);
    Timeline.Segment function =
        new Timeline.Segment(
            "checkout-fn",
            null,
            start + 100,
            end,
            end - start - 100,
            end - start - 100,
            1,
            0,
            true,
            1);
    return new Timeline(
        traceId,
        revision,
        revision == 1 ? TimelineStatus.COMPLETE : TimelineStatus.REVISED,
        start,
        end,
        end - start,
        new Timeline.Hop("shop-api", "GET /orders/{id}"),
        List.of("shop-api", "checkout-fn"),
        List.of(gateway, function),
        List.of(new Timeline.Gap("shop-api", "checkout-fn", null, start + 20, start + 100, 80)),
        new Timeline.Bottleneck(
            Timeline.BottleneckKind.SEGMENT, "checkout-fn", null, null, end - start - 100, 0.8),
        List.of(
            new Timeline.Flag(
                FlagType.SLO_BREACH, "shop-api", (double) (end - start), 100.0, "slow")),
        events,
        events.size(),
        List.of(
            new Timeline.Edge(
                "shop-api", "checkout-fn", null, start + 20, end - start - 20, false)));
  }

  private static LogEvent event(
      String traceId, String id, long time, String service, String operation, EventKind kind) {
    return LogEvent.builder()
        .id(id)
        .timestamp(time)
        .ingestedAt(time + 5)
        .trace(traceId, TraceIdFormat.XRAY)
        .service(service)
        .operation(operation)
        .logGroup("API-Gateway-Execution-Logs")
        .logStream("s1")
        .message("access")
        .kind(kind)
        .status("200")
        .build();
  }

  public static byte[] timelineJson(String traceId, int revision, long start) {
    return Json.writeTimeline(timeline(traceId, revision, start));
  }

  public static byte[] alertJson(String traceId, int revision, long start) {
    return Json.writeAlert(Alert.of(timeline(traceId, revision, start)));
  }

  static ServiceEdgeStats edge(long minute, long calls, int revision) {
    return new ServiceEdgeStats(
        minute, "shop-api", "checkout-fn", calls, 0, 12.0, 40.0, 90.0, 95.0, revision);
  }

  public static byte[] edgeJson(long minute, long calls, int revision) {
    return Json.writeEdgeStats(edge(minute, calls, revision));
  }
}
