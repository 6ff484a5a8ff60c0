package io.traceline.app.runtime;

import java.util.Objects;

/**
 * One answer of a health check: up or not, and a short reason a person can act on.
 *
 * @param up whether the stage can do its work now
 * @param detail what was checked, or why it is down ({@code "streams REBALANCING, restoring 3
 *     stores"})
 */
public record Health(boolean up, String detail) {

  public Health {
    Objects.requireNonNull(detail, "detail");
  }

  /** Up, with what was checked. */
  public static Health up(String detail) {
    return new Health(true, detail);
  }

  /** Down, with why. */
  public static Health down(String detail) {
    return new Health(false, detail);
  }

  /** A check the admin endpoints call on each request; must be cheap and thread-safe. */
  @FunctionalInterface
  public interface Check {
    Health check();
  }
}
