package io.traceline.sink;

import io.traceline.model.Timeline;
import java.io.IOException;

/**
 * Where timelines go. Implementations keep the highest revision of each trace, so a replay or a
 * late revision never duplicates a timeline nor moves it backwards. Not necessarily thread-safe.
 */
public interface TimelineWriter extends AutoCloseable {

  /** Accepts one emission; an older or equal revision of a trace already written is ignored. */
  void write(Timeline timeline) throws IOException;

  /** Makes everything written so far durable. */
  void flush() throws IOException;

  @Override
  void close() throws IOException;
}
