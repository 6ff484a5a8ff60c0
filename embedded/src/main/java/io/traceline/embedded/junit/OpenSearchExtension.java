package io.traceline.embedded.junit;

import io.traceline.embedded.EmbeddedOpenSearch;

/**
 * Gives a JUnit 5 test class a real OpenSearch server: one {@link EmbeddedOpenSearch} per test
 * class (default heap), started before the first test (and before the class's own
 * {@code @BeforeAll} methods) and closed after the last one, injected as a parameter of type {@link
 * EmbeddedOpenSearch}. The extension owns the process; tests must not close it (they may {@link
 * EmbeddedOpenSearch#stop() stop} and {@link EmbeddedOpenSearch#restart() restart} it). A
 * {@code @Nested} class uses the server of its enclosing class.
 */
public final class OpenSearchExtension extends PerClassServerExtension<EmbeddedOpenSearch> {

  /** Created by JUnit through {@code @ExtendWith}. */
  public OpenSearchExtension() {
    super(EmbeddedOpenSearch.class, EmbeddedOpenSearch::start);
  }
}
