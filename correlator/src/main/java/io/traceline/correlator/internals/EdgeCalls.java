package io.traceline.correlator.internals;

import io.traceline.model.Json;
import io.traceline.model.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The calls of one edge ({@code from -> to}) in one emitted timeline: the value of the correlator's
 * repartition topic {@code traceline.edge-calls}, keyed by {@link #key()} so that every call of an
 * edge reaches the task that aggregates it. Internal to the correlator.
 *
 * @param traceId the trace the calls belong to
 * @param from calling service
 * @param to called service
 * @param calls the calls, at least one
 */
record EdgeCalls(String traceId, String from, String to, List<Call> calls) {

  EdgeCalls {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    calls = List.copyOf(calls);
    if (calls.isEmpty()) {
      throw new IllegalArgumentException("no calls");
    }
  }

  /**
   * One call.
   *
   * @param startTime when it started, epoch ms
   * @param durationMs its latency
   * @param error whether it failed
   */
  record Call(long startTime, long durationMs, boolean error) {}

  /** The record key: the edge. */
  String key() {
    return keyOf(from, to);
  }

  static String keyOf(String from, String to) {
    return from + " -> " + to;
  }

  /** The timeline's calls grouped by edge, in the order of each edge's first call. */
  static List<EdgeCalls> of(Timeline timeline) {
    Map<String, List<Timeline.Edge>> byEdge = new LinkedHashMap<>();
    for (Timeline.Edge e : timeline.edges()) {
      byEdge.computeIfAbsent(keyOf(e.from(), e.to()), k -> new ArrayList<>()).add(e);
    }
    List<EdgeCalls> grouped = new ArrayList<>();
    for (List<Timeline.Edge> edges : byEdge.values()) {
      List<Call> calls = new ArrayList<>();
      for (Timeline.Edge e : edges) {
        calls.add(new Call(e.startTime(), e.durationMs(), e.error()));
      }
      Timeline.Edge first = edges.get(0);
      grouped.add(new EdgeCalls(timeline.traceId(), first.from(), first.to(), calls));
    }
    return grouped;
  }

  byte[] toJson() {
    try {
      return Json.MAPPER.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the JSON form.
   *
   * @throws UncheckedIOException when the bytes are not edge calls
   */
  static EdgeCalls fromJson(byte[] json) {
    try {
      EdgeCalls calls = Json.MAPPER.readValue(json, EdgeCalls.class);
      if (calls == null) {
        throw new IOException("JSON null");
      }
      return calls;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }
}
