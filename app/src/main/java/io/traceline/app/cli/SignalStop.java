package io.traceline.app.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT/SIGTERM into a stop request that a command's loop polls, and keeps the JVM alive
 * until the command has shut down cleanly (or a deadline passed). {@link #install(Duration)}
 * registers the shutdown hook; {@link #close()} says the clean shutdown is done and removes it.
 * Thread-safe.
 *
 * <p>Exit status after a signal: the command's own exit code (0 for a clean stop), which {@code
 * main} hands over through {@link #mainReturned}, instead of the JVM's 128 + signal number; 1 when
 * the clean shutdown missed its deadline. Supervisors (Kubernetes, systemd) then see a clean stop
 * as one.
 */
public final class SignalStop implements AutoCloseable {

  /** How long a signal waits for {@code main} to report the exit code after the clean shutdown. */
  private static final Duration MAIN_DEADLINE = Duration.ofSeconds(5);

  private static final CountDownLatch MAIN_RETURNED = new CountDownLatch(1);
  private static volatile int mainExitCode = 1;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;
  private volatile Duration cleanupDeadline = Duration.ZERO;

  /**
   * @param threadName name of the shutdown hook's thread
   */
  public SignalStop(String threadName) {
    this.hook = new Thread(new OnSignal(), threadName);
  }

  /**
   * Called by {@code main} with the command's exit code just before it exits: after a signal, the
   * JVM exits with this code.
   */
  public static void mainReturned(int exitCode) {
    mainExitCode = exitCode;
    MAIN_RETURNED.countDown();
  }

  /**
   * Registers the shutdown hook; returns this.
   *
   * @param cleanupDeadline how long a signal waits for the clean shutdown before the JVM exits 1
   */
  public SignalStop install(Duration cleanupDeadline) {
    this.cleanupDeadline = cleanupDeadline;
    Runtime.getRuntime().addShutdownHook(hook);
    return this;
  }

  /** Asks the command to stop, as a signal would (for tests and embedding). */
  public void request() {
    stop.countDown();
  }

  /** Whether a stop was requested. */
  public boolean requested() {
    return stop.getCount() == 0;
  }

  /** Waits at most {@code timeout} for a stop request; true when one came. */
  public boolean await(Duration timeout) throws InterruptedException {
    return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The clean shutdown is done: releases a waiting signal and removes the hook. */
  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting because of a signal: the hook is running and was just released
    } catch (IllegalArgumentException neverInstalled) {
      // install was not called: nothing to remove
    }
  }

  /**
   * On SIGINT/SIGTERM: requests the stop, waits for the clean shutdown and for {@code main}'s exit
   * code, then ends the JVM with that code (halting: the JVM is already shutting down, where {@code
   * System.exit} would block).
   */
  private final class OnSignal implements Runnable {
    @Override
    public void run() {
      stop.countDown();
      int status = 1;
      try {
        if (finished.await(cleanupDeadline.toMillis(), TimeUnit.MILLISECONDS)
            && MAIN_RETURNED.await(MAIN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
          status = mainExitCode;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(status);
    }
  }
}
