package io.traceline.sink;

import io.traceline.model.Json;
import io.traceline.model.Timeline;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one JSON line per trace, at its latest revision, when flushed: the output of {@code
 * traceline replay}. Keeps the timelines in memory until {@link #flush()}, so it suits finite input
 * (a replay), not a continuous stream. Lines are ordered by start time, then trace id, so the same
 * input always gives the same file. Not thread-safe; closes the stream it was given.
 */
public final class JsonLinesTimelineWriter implements TimelineWriter {

  private static final Comparator<Timeline> ORDER =
      Comparator.comparingLong(Timeline::startTime).thenComparing(Timeline::traceId);

  private final OutputStream out;
  private final Map<String, Timeline> latest = new LinkedHashMap<>();

  public JsonLinesTimelineWriter(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(Timeline timeline) {
    latest.merge(
        timeline.traceId(),
        timeline,
        (old, candidate) -> candidate.revision() > old.revision() ? candidate : old);
  }

  /** Number of distinct traces written so far. */
  public int traces() {
    return latest.size();
  }

  @Override
  public void flush() throws IOException {
    for (Timeline t : latest.values().stream().sorted(ORDER).toList()) {
      out.write(Json.writeTimeline(t));
      out.write('\n');
    }
    latest.clear();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      out.close();
    }
  }
}
