package io.traceline.app;

import java.util.List;

/** A usage or configuration problem (exit code 2); the message lists every problem found. */
public final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  /** One exception listing all problems, one per line. */
  public static UsageException of(String what, List<String> problems) {
    return new UsageException(what + ":\n  - " + String.join("\n  - ", problems));
  }
}
