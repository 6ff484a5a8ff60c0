package io.traceline.embedded;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Repeats a probe until it succeeds or a deadline passes. Used instead of unbounded waits: every
 * wait in this module ends, with an exception naming what was awaited.
 */
final class BoundedPoll {

  /** Pause between two probes. */
  static final Duration INTERVAL = Duration.ofMillis(25);

  /** One attempt. Returns true when the condition holds. */
  @FunctionalInterface
  interface Probe {
    /**
     * Checks the condition once.
     *
     * @throws ExecutionException or {@link TimeoutException}: not yet, try again (Admin futures
     *     fail this way while the broker or a topic is still coming up); any other exception ends
     *     the wait at once
     */
    boolean ready() throws ExecutionException, TimeoutException, InterruptedException;
  }

  private BoundedPoll() {}

  /**
   * Polls {@code probe} until it returns true.
   *
   * @throws IllegalStateException when {@code timeout} passes first, with the last failure as cause
   */
  static void until(String awaited, Duration timeout, Probe probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception lastFailure = null;
    try {
      while (true) {
        try {
          if (probe.ready()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          lastFailure = e;
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new IllegalStateException(
              "Timed out after " + timeout.toMillis() + " ms waiting for " + awaited, lastFailure);
        }
        TimeUnit.NANOSECONDS.sleep(INTERVAL.toNanos());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + awaited, e);
    }
  }
}
