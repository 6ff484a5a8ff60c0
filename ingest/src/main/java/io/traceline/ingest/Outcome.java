package io.traceline.ingest;

import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import java.util.List;
import java.util.Objects;

/**
 * What one record became: events with a trace id (for {@code traceline.events}), events without one
 * yet (for {@code traceline.unkeyed}), dead letters (for {@code traceline.dlq}), the number of
 * control messages skipped, and the request links learned (for {@code traceline.request-links}).
 * Immutable.
 *
 * @param source where the record came from
 * @param keyed events carrying a canonical trace id, in message order
 * @param unkeyed events without a trace id, in message order
 * @param deadLetters input that could not be decoded or parsed
 * @param controlMessages CloudWatch health-check messages counted and skipped
 * @param links per message and request id with a known trace: request id -> trace id, for the
 *     correlator to give the trace to unkeyed events of the same log stream
 */
public record Outcome(
    Source source,
    List<LogEvent> keyed,
    List<LogEvent> unkeyed,
    List<DeadLetter> deadLetters,
    int controlMessages,
    List<RequestLink> links) {

  public Outcome {
    Objects.requireNonNull(source, "source");
    keyed = List.copyOf(keyed);
    unkeyed = List.copyOf(unkeyed);
    deadLetters = List.copyOf(deadLetters);
    links = List.copyOf(links);
  }

  /** An outcome without request links. */
  public Outcome(
      Source source,
      List<LogEvent> keyed,
      List<LogEvent> unkeyed,
      List<DeadLetter> deadLetters,
      int controlMessages) {
    this(source, keyed, unkeyed, deadLetters, controlMessages, List.of());
  }

  /** Keyed plus unkeyed events. */
  public int eventCount() {
    return keyed.size() + unkeyed.size();
  }

  /** Whether there is nothing to publish. */
  public boolean isEmpty() {
    return keyed.isEmpty() && unkeyed.isEmpty() && deadLetters.isEmpty() && links.isEmpty();
  }
}
