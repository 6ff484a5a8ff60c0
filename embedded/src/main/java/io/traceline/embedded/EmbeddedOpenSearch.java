package io.traceline.embedded;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OpenSearch server for tests and the demo: the {@code integ-test-zip} distribution from
 * Maven Central (a dependency of this module, unpacked by the build into {@code
 * embedded/target/opensearch}), run as a child process by the running JVM's Java, one node on free
 * loopback ports, plain HTTP (the distribution has no security plugin).
 *
 * <p>Each instance has its own work directory (a temporary directory holding {@code config}, {@code
 * data}, {@code logs}, {@code tmp} and the console output); the distribution itself is shared and
 * only read. Settings: {@code discovery.type=single-node}, {@code http.host} and {@code
 * transport.host} 127.0.0.1, disk watermarks off ({@code
 * cluster.routing.allocation.disk.threshold_enabled=false}, so a nearly full disk does not block
 * writes), heap from the {@code javaOpts} given to {@link #start(String)} (default {@value
 * #DEFAULT_JAVA_OPTS}).
 *
 * <p>OpenSearch refuses to run as root. When this JVM runs as root, the server runs as the system
 * user {@value #RUN_AS_USER} (created with {@code useradd} if missing) through {@code runuser}; the
 * work directory is given to that user, and the distribution folder must be readable by it.
 *
 * <p>Ownership: whoever starts it closes it. {@link #close()} ends the process and its descendants
 * (SIGTERM, then SIGKILL after 30 s) and deletes the work directory. A JVM shutdown hook kills them
 * and deletes the directory too, should the JVM end without {@code close()}, so no process outlives
 * the test run. {@link #stop()} and {@link #restart()} end and start the server again on the same
 * ports and data (for outage tests). Thread-safe.
 */
public final class EmbeddedOpenSearch implements AutoCloseable {

  /** System property naming an unpacked distribution (the folder with {@code bin/opensearch}). */
  public static final String HOME_PROPERTY = "traceline.opensearch.home";

  /**
   * System property naming the Java home that runs OpenSearch; default: this JVM's {@code
   * java.home}. OpenSearch 2.19 runs on Java 17 to 23 (it needs the security manager).
   */
  public static final String JAVA_HOME_PROPERTY = "traceline.opensearch.java.home";

  /** JVM options for the server unless given: a small heap. */
  public static final String DEFAULT_JAVA_OPTS = "-Xms256m -Xmx512m";

  /** The user that runs the server when this JVM runs as root. */
  public static final String RUN_AS_USER = "traceline-opensearch";

  /** The OpenSearch version this module depends on (from its POM). */
  public static final String VERSION = loadVersion();

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedOpenSearch.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Path RELATIVE_DIR = Path.of("embedded", "target", "opensearch");
  private static final int LOG_TAIL_CHARS = 4000;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Path home;
  private final Path workDir;
  private final String javaOpts;
  private final int port;
  private final int transportPort;
  private final Thread killer;
  private final Object lifecycleLock = new Object();
  private volatile Process process; // null while stopped
  private boolean closed; // guarded by lifecycleLock

  private EmbeddedOpenSearch(
      Path home, Path workDir, String javaOpts, int port, int transportPort) {
    this.home = home;
    this.workDir = workDir;
    this.javaOpts = javaOpts;
    this.port = port;
    this.transportPort = transportPort;
    this.killer = new Thread(this::killNow, "opensearch-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** Starts the distribution found by {@link #locate()} with {@value #DEFAULT_JAVA_OPTS}. */
  public static EmbeddedOpenSearch start() {
    return start(DEFAULT_JAVA_OPTS);
  }

  /**
   * Starts the distribution found by {@link #locate()} with the given JVM options (heap: e.g.
   * {@code "-Xms1g -Xmx1g"}); returns once the cluster health is at least yellow.
   */
  public static EmbeddedOpenSearch start(String javaOpts) {
    return start(locate(), javaOpts);
  }

  /**
   * Starts the unpacked distribution {@code home} (the folder with {@code bin/opensearch}) with the
   * given JVM options; returns once the cluster health is at least yellow.
   *
   * @throws IllegalStateException if it does not get there within 120 seconds (the message ends
   *     with the tail of its console output), or, as root, the user {@value #RUN_AS_USER} cannot be
   *     created
   */
  public static EmbeddedOpenSearch start(Path home, String javaOpts) {
    Objects.requireNonNull(javaOpts, "javaOpts");
    Path absoluteHome = home.toAbsolutePath().normalize();
    if (!Files.isRegularFile(absoluteHome.resolve("bin/opensearch"))) {
      throw new IllegalStateException("not an OpenSearch distribution: " + absoluteHome);
    }
    Path workDir = prepareWorkDir(absoluteHome);
    int[] ports = FreePorts.pick(2);
    EmbeddedOpenSearch server =
        new EmbeddedOpenSearch(absoluteHome, workDir, javaOpts, ports[0], ports[1]);
    try {
      server.launch();
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * The unpacked distribution: the {@value #HOME_PROPERTY} system property, else {@code
   * embedded/target/opensearch/opensearch-<version>} in the working directory or one of its
   * parents.
   *
   * @throws IllegalStateException naming the Maven command that unpacks it when not found
   */
  public static Path locate() {
    String configured = System.getProperty(HOME_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path relative = RELATIVE_DIR.resolve("opensearch-" + VERSION);
    Path found =
        ChildProcesses.findUpwards(
            relative, candidate -> Files.isRegularFile(candidate.resolve("bin/opensearch")));
    if (found != null) {
      return found;
    }
    throw new IllegalStateException(
        "cannot find "
            + relative
            + " from "
            + Path.of("").toAbsolutePath()
            + "; unpack it with `mvn -B generate-resources -pl embedded` in the project root"
            + " (the first time needs Maven Central), or set -D"
            + HOME_PROPERTY);
  }

  /** {@code http://127.0.0.1:<port>}: the REST endpoint. */
  public URI httpUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Sends one REST request to the server, {@code json} (or nothing, when null) as its body; for
   * tests that read back or prepare what they check, whatever the status.
   *
   * @throws IOException when the server cannot be reached (a {@link ConnectException} while it is
   *     stopped)
   */
  public HttpResponse<String> send(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(httpUri().resolve(path)).timeout(Duration.ofSeconds(30));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .method(method, HttpRequest.BodyPublishers.ofString(json))
          .header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The HTTP port; the same across {@link #stop()} and {@link #restart()}. */
  public int port() {
    return port;
  }

  /** The server process (a {@code runuser} or {@code bash} wrapper when started), if running. */
  public Optional<ProcessHandle> process() {
    Process current = process;
    return current == null ? Optional.empty() : Optional.of(current.toHandle());
  }

  /** The work directory (config, data, logs); deleted by {@link #close()}. */
  Path workDir() {
    return workDir;
  }

  /** Whether the server process is running. */
  public boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /**
   * Ends the server (as {@link #close()} does) but keeps its work directory, so that {@link
   * #restart()} finds the same data. Does nothing if stopped.
   */
  public void stop() {
    synchronized (lifecycleLock) {
      Process current = process;
      process = null;
      if (current != null && !ChildProcesses.end(current.toHandle(), STOP_GRACE)) {
        throw new IllegalStateException("OpenSearch (pid " + current.pid() + ") did not end");
      }
    }
  }

  /**
   * Starts the server again after {@link #stop()} (stopping it first if running), on the same ports
   * and data; returns once the cluster health is at least yellow.
   *
   * @throws IllegalStateException after {@link #close()}, or if it does not become ready
   */
  public void restart() {
    synchronized (lifecycleLock) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      stop();
      launch();
    }
  }

  /** Ends the server and deletes its work directory; idempotent. */
  @Override
  public void close() {
    synchronized (lifecycleLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        stop();
      } finally {
        ChildProcesses.removeShutdownHook(killer);
        ChildProcesses.deleteRecursively(workDir);
      }
    }
  }

  private void launch() {
    synchronized (lifecycleLock) {
      Path console = workDir.resolve("console.log");
      List<String> command = new ArrayList<>();
      if (isRoot()) {
        command.addAll(List.of("runuser", "-u", RUN_AS_USER, "--"));
      }
      command.addAll(
          List.of(
              "env",
              "OPENSEARCH_JAVA_HOME=" + javaHome(),
              "OPENSEARCH_PATH_CONF=" + workDir.resolve("config"),
              "OPENSEARCH_TMPDIR=" + workDir.resolve("tmp"),
              "OPENSEARCH_JAVA_OPTS=" + javaOpts,
              "bash",
              home.resolve("bin/opensearch").toString(),
              "-Ediscovery.type=single-node",
              "-Ecluster.name=traceline",
              "-Enode.name=traceline",
              "-Ehttp.host=127.0.0.1",
              "-Ehttp.port=" + port,
              "-Etransport.host=127.0.0.1",
              "-Etransport.port=" + transportPort,
              "-Epath.data=" + workDir.resolve("data"),
              "-Epath.logs=" + workDir.resolve("logs"),
              "-Ecluster.routing.allocation.disk.threshold_enabled=false"));
      long started = System.nanoTime();
      try {
        process =
            new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start OpenSearch: " + command, e);
      }
      BoundedPoll.until("OpenSearch at " + httpUri() + " (yellow)", START_TIMEOUT, this::healthy);
      LOG.info(
          "OpenSearch {} ready at {} in {} ms",
          VERSION,
          httpUri(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  private boolean healthy() throws InterruptedException {
    Process current = process;
    if (current == null || !current.isAlive()) {
      throw new IllegalStateException(
          "OpenSearch exited"
              + (current == null ? "" : " (exit " + current.exitValue() + ")")
              + "; its output ends with:\n"
              + ChildProcesses.tail(workDir.resolve("console.log"), LOG_TAIL_CHARS));
    }
    HttpRequest request =
        HttpRequest.newBuilder(
                httpUri().resolve("/_cluster/health?wait_for_status=yellow&timeout=1s"))
            .timeout(REQUEST_TIMEOUT)
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (ConnectException | HttpTimeoutException notYet) {
      return false;
    } catch (IOException e) {
      LOG.debug("health check failed", e);
      return false;
    }
  }

  /** The shutdown hook: kills at once, no waiting beyond a short bound, deletes the work dir. */
  private void killNow() {
    Process current = process;
    if (current != null) {
      ChildProcesses.kill(current.toHandle());
      try {
        current.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ChildProcesses.deleteRecursively(workDir);
  }

  /** A fresh work directory with a copy of the distribution's config, owned by the server user. */
  private static Path prepareWorkDir(Path home) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("traceline-opensearch-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a work directory for OpenSearch", e);
    }
    try {
      Path config = workDir.resolve("config");
      copyTree(home.resolve("config"), config);
      // jvm.options names files relative to the distribution (logs/gc.log, the heap dump path);
      // they go to this work directory instead: the distribution is shared and only read.
      Path jvmOptions = config.resolve("jvm.options");
      String options =
          Files.readString(jvmOptions)
              .replace("logs/", workDir.resolve("logs") + "/")
              .replace("HeapDumpPath=data", "HeapDumpPath=" + workDir.resolve("data"));
      Files.writeString(jvmOptions, options);
      for (String dir : List.of("data", "logs", "tmp")) {
        Files.createDirectories(workDir.resolve(dir));
      }
      if (isRoot()) {
        giveTo(RUN_AS_USER, workDir);
      }
      return workDir;
    } catch (IOException | RuntimeException e) {
      ChildProcesses.deleteRecursively(workDir);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("could not prepare " + workDir + " for OpenSearch", io);
      }
      throw (RuntimeException) e;
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Creates {@code user} if missing, then makes it the owner of everything under {@code dir}. */
  private static void giveTo(String user, Path dir) throws IOException {
    ensureUser(user);
    UserPrincipal owner =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.setOwner(file, owner);
      }
    }
  }

  private static void ensureUser(String user) {
    if (run("id", "-u", user).exitCode == 0) {
      return;
    }
    // Exit 9: created meanwhile by another JVM.
    Result created =
        run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
    if (created.exitCode != 0 && created.exitCode != 9) {
      throw new IllegalStateException(
          "OpenSearch refuses to run as root, and the user "
              + user
              + " to run it could not be created with useradd (exit "
              + created.exitCode
              + "): "
              + created.output);
    }
    LOG.info("created system user {} to run OpenSearch", user);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (InputStream out = process.getInputStream()) {
        output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, command[0] + " did not finish in 30 s");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command[0], e);
    }
  }

  private static boolean isRoot() {
    return new UnixSystem().getUid() == 0;
  }

  private static String javaHome() {
    String configured = System.getProperty(JAVA_HOME_PROPERTY);
    return configured != null && !configured.isBlank()
        ? configured
        : System.getProperty("java.home");
  }

  private static String loadVersion() {
    Properties properties = new Properties();
    try (InputStream in = EmbeddedOpenSearch.class.getResourceAsStream("opensearch.properties")) {
      if (in == null) {
        throw new IllegalStateException("opensearch.properties is missing from the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read opensearch.properties", e);
    }
    return properties.getProperty("version");
  }
}
