package io.traceline.app.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.model.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code zipkin-production-traces} dataset (Zipkin v2 JSON, Apache-2.0, see its README): each
 * file an array of spans, converted to one compact Zipkin JSON line per span, as a service that
 * reports its spans to its log would write them.
 *
 * <p>A span goes to log group {@code /ecs/<localEndpoint.serviceName>} ({@code unknown} without
 * one), stream {@code zipkin/<localEndpoint.ipv4>} (the instance), at the time it was reported: its
 * end ({@code timestamp + duration}), its start without a duration, and without a timestamp the end
 * of the trace's last reported span (some time after the spans that have one).
 */
final class ZipkinTraces {

  /** The files of the dataset. */
  static final List<String> FILES =
      List.of(
          "yelp.json",
          "smartthings-oauth-authorization.json",
          "smartthings-mobile-web-install.json");

  private ZipkinTraces() {}

  /**
   * One span of a file.
   *
   * @param id the CloudWatch event id its line gets
   * @param span the span as the file has it
   */
  record Span(String id, JsonNode span) {

    String line() {
      return span.toString(); // compact, members in the file's order
    }

    String traceId() {
      return span.path("traceId").asText();
    }

    String spanId() {
      return span.path("id").asText();
    }

    /** The parent span id, or null for a root. */
    String parentId() {
      return span.hasNonNull("parentId") ? span.get("parentId").asText() : null;
    }

    String kind() {
      return span.hasNonNull("kind") ? span.get("kind").asText() : null;
    }

    String service() {
      return span.path("localEndpoint").path("serviceName").asText("unknown");
    }

    boolean shared() {
      return span.path("shared").asBoolean(false);
    }

    boolean hasTimestamp() {
      return span.hasNonNull("timestamp");
    }

    boolean hasDuration() {
      return span.hasNonNull("duration");
    }

    /** Start, epoch µs (only with {@link #hasTimestamp()}). */
    long timestampMicros() {
      return span.get("timestamp").asLong();
    }

    /** Duration, µs (only with {@link #hasDuration()}). */
    long durationMicros() {
      return span.get("duration").asLong();
    }

    /** When the span was reported, epoch µs, or -1 when the span has no timestamp. */
    long reportedMicros() {
      if (!hasTimestamp()) {
        return -1;
      }
      return timestampMicros() + (hasDuration() ? durationMicros() : 0);
    }
  }

  /** The spans of a dataset file, in file order, with ids from {@code ids}. */
  static List<Span> read(Path file, EventIds ids) throws IOException {
    List<Span> spans = new ArrayList<>();
    for (JsonNode span : Json.MAPPER.readTree(file.toFile())) {
      spans.add(new Span(ids.next(), span));
    }
    return spans;
  }

  /** The spans as CloudWatch would hold their lines. */
  static List<CloudWatchLine> toCloudWatch(List<Span> spans) {
    long last = 0;
    for (Span s : spans) {
      last = Math.max(last, s.reportedMicros());
    }
    List<CloudWatchLine> lines = new ArrayList<>();
    for (Span s : spans) {
      long reported = s.hasTimestamp() ? s.reportedMicros() : last;
      String ip = s.span().path("localEndpoint").path("ipv4").asText("unknown");
      lines.add(
          new CloudWatchLine(
              "/ecs/" + s.service(), "zipkin/" + ip, s.id(), reported / 1000, s.line()));
    }
    return lines;
  }
}
