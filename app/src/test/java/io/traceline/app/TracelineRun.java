package io.traceline.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs the {@code traceline} command line in-process, as {@code main} would but without exiting,
 * and keeps what it printed. One per test; not thread-safe.
 */
public final class TracelineRun {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Runs one command line; returns its exit code. */
  public int run(String... args) {
    CommandLine cl = Traceline.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** Everything printed on stdout so far (by the command line's own writer). */
  public String out() {
    return out.toString();
  }

  /** Everything printed on stderr so far (by the command line's own writer). */
  public String err() {
    return err.toString();
  }
}
