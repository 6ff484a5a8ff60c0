package io.traceline.app.runtime;

/** A stage's configuration record: it has the {@code runtime} section every stage shares. */
public interface StageConfig {

  /** The {@code runtime} section. */
  RuntimeSettings runtime();
}
