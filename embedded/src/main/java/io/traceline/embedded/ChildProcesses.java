package io.traceline.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Helpers for the servers this module runs as child processes ({@link Kinesalite}, {@link
 * EmbeddedOpenSearch}, {@link HeadlessChromium}): ending a process together with its descendants,
 * reading the tail of its log, deleting its work directory, finding a folder of the checkout from
 * the working directory.
 */
final class ChildProcesses {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcesses.class);

  private ChildProcesses() {}

  /**
   * Asks {@code root} and all its descendants to end (SIGTERM), waits up to {@code grace} for them,
   * then kills the survivors (SIGKILL) and waits for those too (bounded). Descendants are collected
   * first: a wrapper such as {@code runuser} may exit before its child, which then would be
   * orphaned and no longer found. Returns whether all ended.
   */
  static boolean end(ProcessHandle root, Duration grace) {
    return end(tree(root), grace);
  }

  /**
   * Asks each of {@code processes} that still runs to end (SIGTERM), waits up to {@code grace},
   * then kills the survivors (SIGKILL) and waits for those too (bounded). For a tree collected
   * before its root ended on its own. Returns whether all ended.
   */
  static boolean end(List<ProcessHandle> processes, Duration grace) {
    processes.forEach(ProcessHandle::destroy);
    if (awaitAll(processes, grace)) {
      return true;
    }
    processes.forEach(ProcessHandle::destroyForcibly);
    return awaitAll(processes, Duration.ofSeconds(10));
  }

  /** Kills {@code root} and its descendants at once (SIGKILL), without waiting: for JVM exit. */
  static void kill(ProcessHandle root) {
    tree(root).forEach(ProcessHandle::destroyForcibly);
  }

  /** {@code root}, then its descendants, deepest first. */
  static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    Collections.reverse(tree);
    tree.add(0, root);
    return tree;
  }

  private static boolean awaitAll(List<ProcessHandle> processes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProcessHandle process : processes) {
      CompletableFuture<ProcessHandle> exit = process.onExit();
      try {
        exit.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new IllegalStateException("could not wait for process " + process.pid(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Removes a shutdown hook that killed a process; a no-op while the JVM exits (it runs anyway).
   */
  static void removeShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting; the hook runs anyway and finds the process gone
    }
  }

  /** Deletes {@code dir} and everything under it, if it exists; logs what it cannot delete. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete {}", dir, e);
    }
  }

  /** The last {@code chars} characters of a log file, for an exception message. */
  static String tail(Path log, int chars) {
    try {
      String text = Files.readString(log);
      return text.length() > chars ? text.substring(text.length() - chars) : text;
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * {@code relative} resolved against the working directory or the nearest of its parents where
   * {@code found} holds, or null.
   */
  static Path findUpwards(Path relative, Predicate<Path> found) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (found.test(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
