package io.traceline.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kinesis API server for tests: kinesalite from the npm registry, pinned by the lockfile in
 * {@code embedded/kinesalite/}, run by the machine's Node.js as a child process on a free loopback
 * port, in memory.
 *
 * <p>The first start installs the pinned packages with {@code npm ci --ignore-scripts} (into {@code
 * embedded/kinesalite/node_modules}, ignored by git). The AWS SDK must talk to it with CBOR
 * disabled: kinesalite speaks the JSON protocol only, so {@link #start} sets the system property
 * {@value #CBOR_PROPERTY} to {@code false} for the JVM.
 *
 * <p>Ownership: whoever starts it closes it; {@link #close()} kills the process and waits for it. A
 * JVM shutdown hook kills it too, should the JVM end without {@code close()}, so no process
 * outlives the test run. Thread-safe.
 */
public final class Kinesalite implements AutoCloseable {

  /** System property naming the folder with kinesalite's {@code package.json} and lockfile. */
  public static final String DIR_PROPERTY = "traceline.kinesalite.dir";

  /** The AWS SDK setting that must be false for kinesalite. */
  public static final String CBOR_PROPERTY = "aws.cborEnabled";

  private static final Logger LOG = LoggerFactory.getLogger(Kinesalite.class);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Path RELATIVE_DIR = Path.of("embedded", "kinesalite");

  private final Process process;
  private final int port;
  private final Thread killer;
  private final Path log;

  private Kinesalite(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.killer = new Thread(process::destroyForcibly, "kinesalite-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** Starts kinesalite from the folder found by {@link #locate()}. */
  public static Kinesalite start() {
    return start(locate());
  }

  /**
   * Starts kinesalite from {@code packageDir} (holding its package.json and lockfile), installing
   * it first when needed; returns once it accepts connections.
   */
  public static Kinesalite start(Path packageDir) {
    Path cli = packageDir.resolve("node_modules/kinesalite/cli.js");
    install(packageDir, cli);
    System.setProperty(CBOR_PROPERTY, "false");
    int port = FreePorts.pick(1)[0];
    Path log;
    Process process;
    try {
      log = Files.createTempFile("kinesalite", ".log");
      process =
          new ProcessBuilder(
                  List.of(
                      "node",
                      cli.toString(),
                      "--port",
                      Integer.toString(port),
                      "--createStreamMs",
                      "0",
                      "--deleteStreamMs",
                      "0",
                      "--updateStreamMs",
                      "0",
                      "--shardLimit",
                      "1000"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start kinesalite (is Node.js installed?)", e);
    }
    Kinesalite kinesalite = new Kinesalite(process, port, log);
    try {
      BoundedPoll.until("kinesalite on port " + port, START_TIMEOUT, kinesalite::accepts);
    } catch (RuntimeException e) {
      kinesalite.close();
      throw e;
    }
    LOG.info("kinesalite ready at {}", kinesalite.endpoint());
    return kinesalite;
  }

  /**
   * The folder with kinesalite's package.json: the {@value #DIR_PROPERTY} system property, else
   * {@code embedded/kinesalite} in the working directory or one of its parents.
   */
  public static Path locate() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path found =
        ChildProcesses.findUpwards(
            RELATIVE_DIR, candidate -> Files.isRegularFile(candidate.resolve("package.json")));
    if (found != null) {
      return found;
    }
    throw new IllegalStateException(
        "cannot find " + RELATIVE_DIR + "/package.json; set -D" + DIR_PROPERTY);
  }

  /** {@code http://127.0.0.1:<port>}: the endpoint override for the AWS SDK client. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Whether the server process is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process and waits for it to end; idempotent. */
  @Override
  public void close() {
    ChildProcesses.end(process.toHandle(), Duration.ofSeconds(10));
    ChildProcesses.removeShutdownHook(killer);
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      LOG.debug("could not delete {}", log, e);
    }
  }

  private boolean accepts() throws InterruptedException {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "kinesalite exited; its output: " + ChildProcesses.tail(log, 2000));
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Runs {@code npm ci} once per checkout (under a file lock, so parallel JVMs install once). */
  @SuppressWarnings("try") // the lock is held by the try block, never read
  private static void install(Path packageDir, Path cli) {
    if (Files.isRegularFile(cli)) {
      return;
    }
    Path lockFile = packageDir.resolve(".install.lock");
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.isRegularFile(cli)) {
        return; // another JVM installed it meanwhile
      }
      LOG.info("installing kinesalite from the lockfile in {}", packageDir);
      Process npm =
          new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
              .directory(packageDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        npm.destroyForcibly();
        throw new IllegalStateException("npm ci did not finish in " + INSTALL_TIMEOUT);
      }
      if (npm.exitValue() != 0 || !Files.isRegularFile(cli)) {
        throw new IllegalStateException(
            "npm ci failed in " + packageDir + " (exit " + npm.exitValue() + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not install kinesalite (is npm installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing kinesalite", e);
    }
  }
}
