package io.traceline.embedded.junit;

import io.traceline.embedded.Kinesalite;

/**
 * Gives a JUnit 5 test class a real Kinesis API server: one {@link Kinesalite} per test class,
 * started before the first test and closed after the last one, injected as a parameter of type
 * {@link Kinesalite}. The extension owns the process; tests must not close it. A {@code @Nested}
 * class uses the server of its enclosing class.
 */
public final class KinesaliteExtension extends PerClassServerExtension<Kinesalite> {

  /** Created by JUnit through {@code @ExtendWith}. */
  public KinesaliteExtension() {
    super(Kinesalite.class, Kinesalite::start);
  }
}
