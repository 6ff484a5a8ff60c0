package io.traceline.serve.query;

import java.util.List;

/** A request whose parameters are invalid; the API answers 400 with every problem. */
public final class BadQueryException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** An exception listing {@code problems} (at least one). */
  public BadQueryException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem of the request. */
  public List<String> problems() {
    return problems;
  }
}
