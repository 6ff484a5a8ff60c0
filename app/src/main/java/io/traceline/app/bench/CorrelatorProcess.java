package io.traceline.app.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on the correlator's child JVM ({@link CorrelatorChild}): starts it with a
 * heap cap of its own and this JVM's class path, asks it for {@link ChildReport}s, and ends it.
 *
 * <p>Owns the process. {@link #close()} stops it: the {@code stop} command, then SIGTERM, then
 * SIGKILL, each after a deadline. A shutdown hook kills it if this JVM exits first (Ctrl-C), and
 * the child exits by itself when its stdin closes, so that it does not outlive even a parent killed
 * with SIGKILL. The child's stderr (its log) is this process's stderr. Not thread-safe: one thread
 * drives it.
 */
final class CorrelatorProcess implements AutoCloseable {

  private static final String END_OF_OUTPUT = "\u0000end";
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Thread reader;
  private final Thread hook;
  private boolean closed;

  private CorrelatorProcess(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.reader = new Thread(new LineReader(process, lines), "correlator-child-stdout");
    this.reader.setDaemon(true);
    this.reader.start();
    this.hook = new Thread(new Kill(process), "correlator-child-kill");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts the child and waits until its correlator is RUNNING.
   *
   * @param maxHeap the child's {@code -Xmx} value, e.g. {@code 512m}
   * @param args the child's options (see {@link CorrelatorChild})
   * @throws IllegalStateException when the child fails or is not ready within {@code timeout}
   */
  static CorrelatorProcess start(String maxHeap, List<String> args, Duration timeout)
      throws IOException {
    CorrelatorProcess child =
        new CorrelatorProcess(
            new ProcessBuilder(command(maxHeap, args))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
    try {
      String line = child.nextLine(timeout);
      if (!line.equals(CorrelatorChild.READY)) {
        throw new IllegalStateException("the correlator process did not start: " + line);
      }
    } catch (RuntimeException e) {
      child.close();
      throw e;
    }
    return child;
  }

  /**
   * The child's command line: this JVM's {@code java}, the heap cap, Native Memory Tracking (a few
   * percent of overhead), the executable's logging configuration and this class path.
   */
  static List<String> command(String maxHeap, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-XX:NativeMemoryTracking=summary"); // the JVM's own share of the RSS
    // Its stdout is the protocol: the executable's logging (to stderr), even when a class path
    // that runs tests carries a logging configuration of its own.
    command.add("-Dlogback.configurationFile=logback.xml");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CorrelatorChild.class.getName());
    command.addAll(args);
    return command;
  }

  /** The child's process id. */
  long pid() {
    return process.pid();
  }

  /**
   * The child's figures, after a full GC when {@code fullGc}.
   *
   * @throws IllegalStateException when the child does not answer within {@code timeout} or its
   *     correlator failed
   */
  ChildReport report(boolean fullGc, Duration timeout) {
    send(fullGc ? CorrelatorChild.GC : CorrelatorChild.STATS);
    String line = nextLine(timeout);
    if (!line.startsWith(ChildReport.PREFIX + " ")) {
      throw new IllegalStateException("the correlator process answered: " + line);
    }
    ChildReport report = ChildReport.parse(line);
    if (report.state().equals("FAILED")) {
      throw new IllegalStateException("the correlator in the child process failed (see its log)");
    }
    return report;
  }

  private void send(String command) {
    try {
      stdin.write(command + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the correlator process does not listen any more", e);
    }
  }

  private String nextLine(Duration timeout) {
    String line;
    try {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the correlator process", e);
    }
    if (line == null) {
      throw new IllegalStateException(
          "the correlator process did not answer within " + timeout.toSeconds() + " s");
    }
    if (line.equals(END_OF_OUTPUT)) {
      lines.add(END_OF_OUTPUT); // every later call sees the end too
      throw new IllegalStateException("the correlator process ended (see its log above)");
    }
    return line;
  }

  /**
   * Stops the child: {@code stop} and the end of its stdin, then SIGTERM, then SIGKILL, each after
   * a deadline; returns once it has exited. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (process.isAlive()) {
        try {
          stdin.write(CorrelatorChild.STOP + "\n");
          stdin.flush();
        } catch (IOException gone) {
          // it is exiting already
        }
      }
      try {
        stdin.close();
      } catch (IOException gone) {
        // it is exiting already
      }
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroy();
        if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      reader.join(KILL_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running (or ran): it kills the child
      }
    }
  }

  /** Copies the child's stdout lines into a queue, then the end marker. */
  private static final class LineReader implements Runnable {
    private final Process process;
    private final BlockingQueue<String> lines;

    LineReader(Process process, BlockingQueue<String> lines) {
      this.process = process;
      this.lines = lines;
    }

    @Override
    public void run() {
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (IOException closed) {
        // the process ended
      } finally {
        lines.add(END_OF_OUTPUT);
      }
    }
  }

  /** The shutdown hook: kills the child when this JVM exits before closing it. */
  private static final class Kill implements Runnable {
    private final Process process;

    Kill(Process process) {
      this.process = process;
    }

    @Override
    public void run() {
      process.destroyForcibly();
    }
  }
}
