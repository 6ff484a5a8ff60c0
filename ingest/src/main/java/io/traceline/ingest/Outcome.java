package io.traceline.ingest;

import io.traceline.model.LogEvent;
import java.util.List;
import java.util.Objects;

/**
 * What one record became: events with a trace id (for {@code traceline.events}), events without one
 * yet (for {@code traceline.unkeyed}), dead letters (for {@code traceline.dlq}) and the number of
 * control messages skipped. Immutable.
 *
 * @param source where the record came from
 * @param keyed events carrying a canonical trace id, in message order
 * @param unkeyed events without a trace id, in message order
 * @param deadLetters input that could not be decoded or parsed
 * @param controlMessages CloudWatch health-check messages counted and skipped
 */
public record Outcome(
    Source source,
    List<LogEvent> keyed,
    List<LogEvent> unkeyed,
    List<DeadLetter> deadLetters,
    int controlMessages) {

  public Outcome {
    Objects.requireNonNull(source, "source");
    keyed = List.copyOf(keyed);
    unkeyed = List.copyOf(unkeyed);
    deadLetters = List.copyOf(deadLetters);
  }

  /** Keyed plus unkeyed events. */
  public int eventCount() {
    return keyed.size() + unkeyed.size();
  }

  /** Whether there is nothing to publish. */
  public boolean isEmpty() {
    return keyed.isEmpty() && unkeyed.isEmpty() && deadLetters.isEmpty();
  }
}
