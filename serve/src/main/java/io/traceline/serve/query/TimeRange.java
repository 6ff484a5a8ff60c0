package io.traceline.serve.query;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A half-open window of time, {@code [from, to)}, the unit every query of the UI is asked for.
 *
 * @param from inclusive start
 * @param to exclusive end, after {@code from}
 */
public record TimeRange(Instant from, Instant to) {

  /** How many windows of the same length before this one make its baseline. */
  public static final int BASELINE_WINDOWS = 6;

  public TimeRange {
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException(
          "the range must end after it starts: " + from + " .. " + to);
    }
  }

  /** The last {@code length} before {@code now}. */
  public static TimeRange last(Duration length, Instant now) {
    return new TimeRange(now.minus(length), now);
  }

  /** As JSON: {@code {"from": epochMs, "to": epochMs}}, like every time of the contracts. */
  @JsonValue
  public Map<String, Long> json() {
    return Map.of("from", from.toEpochMilli(), "to", to.toEpochMilli());
  }

  /** The window's length. */
  public Duration length() {
    return Duration.between(from, to);
  }

  /**
   * The {@link #BASELINE_WINDOWS} windows of this length just before this one: what a service's
   * health in this window is compared with.
   */
  public TimeRange baseline() {
    return new TimeRange(from.minus(length().multipliedBy(BASELINE_WINDOWS)), from);
  }
}
