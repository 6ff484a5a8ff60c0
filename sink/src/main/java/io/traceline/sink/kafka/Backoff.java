package io.traceline.sink.kafka;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Bounded exponential backoff with jitter: the n-th wait is drawn between half and all of {@code
 * initial * 2^(n-1)}, capped at {@code max}. Not thread-safe; one per retry sequence.
 */
final class Backoff {

  private final long initialMillis;
  private final long maxMillis;
  private final DoubleSupplier random;
  private int attempts;

  /**
   * @param random a source of numbers in {@code [0, 1)}, for the jitter
   */
  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The wait before the next attempt. */
  Duration next() {
    long ceiling = initialMillis << Math.min(attempts, 30);
    attempts++;
    long bound = Math.min(Math.max(ceiling, initialMillis), maxMillis);
    return Duration.ofMillis(bound / 2 + (long) (random.getAsDouble() * (bound - bound / 2)));
  }

  /** How many waits {@link #next()} has handed out. */
  int attempts() {
    return attempts;
  }
}
