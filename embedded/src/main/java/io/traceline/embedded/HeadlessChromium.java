package io.traceline.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real headless Chromium for browser tests: Debian's {@code chromium} driven by Debian's {@code
 * chromedriver} through Selenium's {@link ChromeDriver}. Nothing is downloaded: both executables
 * are given to Selenium explicitly (defaults {@value #DEBIAN_BROWSER} and {@value #DEBIAN_DRIVER},
 * from the packages {@code chromium} and {@code chromium-driver}), so Selenium Manager never runs.
 * The system property {@value #BROWSER_PROPERTY} or the environment variable {@value
 * #BROWSER_VARIABLE} names another browser, {@value #DRIVER_PROPERTY} or {@value #DRIVER_VARIABLE}
 * another driver; {@link #start()} fails with a message naming the packages when one is missing.
 *
 * <p>The browser runs with {@link #arguments(Path) these flags}: new headless mode, a fixed window
 * of {@value #WIDTH}x{@value #HEIGHT}, a fresh profile in a temporary directory, and every
 * background connection (component and safe-browsing updates, sync, QUIC) off, so that pages under
 * test are the only traffic.
 *
 * <p>Ownership: whoever starts it closes it. {@link #close()} quits the browser, stops
 * chromedriver, ends every process still left (chromedriver, chromium and its helpers, and the
 * crash handlers Chromium starts outside that tree; SIGTERM, then SIGKILL after 10 s) and deletes
 * the temporary directory. A JVM shutdown hook kills them and deletes the directory too, should the
 * JVM end without {@code close()}, so no process outlives the test run.
 *
 * <p>Thread-safety: {@link #close()} may be called from any thread; the {@link #driver() driver},
 * like every WebDriver, serves one thread at a time.
 */
public final class HeadlessChromium implements AutoCloseable {

  /** System property naming the browser executable. */
  public static final String BROWSER_PROPERTY = "traceline.chromium.binary";

  /** Environment variable naming the browser executable (the property wins). */
  public static final String BROWSER_VARIABLE = "TRACELINE_CHROMIUM";

  /** System property naming the chromedriver executable. */
  public static final String DRIVER_PROPERTY = "traceline.chromedriver";

  /** Environment variable naming the chromedriver executable (the property wins). */
  public static final String DRIVER_VARIABLE = "TRACELINE_CHROMEDRIVER";

  /** Where Debian's package {@code chromium} installs the browser (its launcher script). */
  public static final String DEBIAN_BROWSER = "/usr/bin/chromium";

  /** Where Debian's package {@code chromium-driver} installs chromedriver. */
  public static final String DEBIAN_DRIVER = "/usr/bin/chromedriver";

  /** Width of the browser window, in CSS pixels. */
  public static final int WIDTH = 1400;

  /**
   * Height of the browser window, in CSS pixels. The viewport (and a page screenshot) is somewhat
   * lower: headless Chromium keeps room for its toolbar.
   */
  public static final int HEIGHT = 900;

  /**
   * Where {@link #screenshot(String)} saves: {@code target/screenshots} of the working directory,
   * which is the module's folder when Maven runs the tests.
   */
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static final Logger LOG = LoggerFactory.getLogger(HeadlessChromium.class);

  /**
   * Selenium warns at every start that it has no DevTools (CDP) implementation for this Chromium
   * version. This class drives the browser through WebDriver only and puts no {@code
   * selenium-devtools-v*} on the class path, so the warning says nothing; it is turned off for that
   * one logger. Held in a field: java.util.logging forgets the level of a logger nobody references.
   */
  @SuppressWarnings("UnusedVariable") // held, never read
  private static final java.util.logging.Logger CDP_VERSION_FINDER = quiet();

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PAGE_LOAD_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Pattern SCREENSHOT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final int LOG_TAIL_CHARS = 2000;

  /**
   * Settings Selenium hands to Selenium Manager as its environment, should it ever run: no usage
   * statistics, no downloads. It does not run here (both executables are given), so these only
   * guard against a future Selenium that calls it anyway.
   */
  private static final List<String> SELENIUM_MANAGER_SETTINGS =
      List.of("SE_AVOID_STATS", "SE_OFFLINE");

  private final Path workDir;
  private final ChromeDriverService service;
  private final Thread killer;
  private final Object lifecycleLock = new Object();
  private volatile ProcessHandle driverProcess; // null until chromedriver runs
  private volatile ChromeDriver driver; // null until the browser runs
  private volatile boolean closed; // written under lifecycleLock

  private HeadlessChromium(Path workDir, ChromeDriverService service) {
    this.workDir = workDir;
    this.service = service;
    this.killer = new Thread(this::killNow, "chromium-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /**
   * Starts chromedriver and a headless Chromium with a fresh profile; returns once the browser
   * session is open (on {@code about:blank}).
   *
   * @throws IllegalStateException when an executable is missing (naming the Debian packages), or
   *     when chromedriver or the browser does not start (with the tail of chromedriver's log)
   */
  public static HeadlessChromium start() {
    ChromiumBinaries binaries = ChromiumBinaries.configured().requireExecutable();
    for (String setting : SELENIUM_MANAGER_SETTINGS) {
      if (System.getProperty(setting) == null) {
        System.setProperty(setting, "true");
      }
    }
    Path workDir;
    try {
      workDir = Files.createTempDirectory("traceline-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a work directory for Chromium", e);
    }
    ChromeDriverService service;
    try {
      service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(binaries.driver().toFile())
              .usingAnyFreePort()
              .withTimeout(START_TIMEOUT)
              .withLogFile(workDir.resolve("chromedriver.log").toFile())
              .withEnvironment(environment(workDir))
              .build();
    } catch (RuntimeException e) {
      ChildProcesses.deleteRecursively(workDir);
      throw e;
    }
    HeadlessChromium chromium = new HeadlessChromium(workDir, service);
    try {
      chromium.launch(binaries.browser());
    } catch (RuntimeException | Error e) {
      try {
        chromium.close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    return chromium;
  }

  /**
   * The flags the browser runs with, its profile in {@code userDataDir}:
   *
   * <ul>
   *   <li>{@code --headless=new}: the full browser without a window (the old headless mode is a
   *       separate, older implementation);
   *   <li>{@code --no-sandbox}: the sandbox needs user namespaces, often missing in containers and
   *       refused to root;
   *   <li>{@code --disable-gpu}, {@code --disable-dev-shm-usage}: software rendering, and shared
   *       memory in the temporary directory rather than a small {@code /dev/shm};
   *   <li>{@code --disable-quic}, {@code --no-first-run}, {@code --disable-background-networking},
   *       {@code --disable-component-update}, {@code --disable-sync}: none of the connections a
   *       browser makes on its own (a closed network refuses them, and they would only add noise);
   *   <li>{@code --user-data-dir}: a fresh profile, deleted by {@link #close()};
   *   <li>{@code --window-size}: {@value #WIDTH}x{@value #HEIGHT}, so layouts and screenshots do
   *       not depend on the machine.
   * </ul>
   */
  static List<String> arguments(Path userDataDir) {
    return List.of(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + userDataDir,
        "--window-size=" + WIDTH + "," + HEIGHT);
  }

  /**
   * Variables added to the environment of chromedriver and the browser: Chromium's own folders
   * (crash reports, caches) go to the work directory instead of the user's home. Its crash handler,
   * which it starts detached from its process tree, then names the work directory in its arguments,
   * which is how {@link #close()} finds it.
   */
  static Map<String, String> environment(Path workDir) {
    return Map.of(
        "XDG_CONFIG_HOME", workDir.resolve("config").toString(),
        "XDG_CACHE_HOME", workDir.resolve("cache").toString());
  }

  /**
   * The browser. Navigate with {@code driver().get(url)}; it also runs scripts ({@code
   * executeScript}) and takes screenshots. Owned by this object: do not {@code quit()} it, {@link
   * #close()} this instead.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public ChromeDriver driver() {
    ChromeDriver current = driver;
    if (current == null || closed) {
      throw new IllegalStateException("Chromium is closed");
    }
    return current;
  }

  /**
   * Saves a PNG of the visible page to {@code target/screenshots/<name>.png} (see {@link
   * #SCREENSHOTS}) and returns its path.
   *
   * @param name letters, digits, {@code .}, {@code _} and {@code -}
   */
  public Path screenshot(String name) {
    if (!SCREENSHOT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a screenshot name is letters, digits, '.', '_' and '-': " + name);
    }
    return screenshot(SCREENSHOTS.resolve(name + ".png"));
  }

  /**
   * Saves a PNG of the visible page (the viewport, {@value #WIDTH} pixels wide) to {@code file},
   * creating its folder, replacing an older file; returns the absolute path.
   */
  public Path screenshot(Path file) {
    return write(file, driver().getScreenshotAs(OutputType.BYTES));
  }

  /**
   * Saves a PNG of one element (scrolled into view, cropped to its box) to {@code file}, creating
   * its folder, replacing an older file; returns the absolute path.
   */
  public Path screenshot(WebElement element, Path file) {
    return write(file, element.getScreenshotAs(OutputType.BYTES));
  }

  /** The chromedriver process: the root of every process this browser runs. */
  ProcessHandle driverProcess() {
    ProcessHandle current = driverProcess;
    if (current == null) {
      throw new IllegalStateException("chromedriver did not start");
    }
    return current;
  }

  /** The temporary directory with the profile and chromedriver's log; deleted by close. */
  Path workDir() {
    return workDir;
  }

  /**
   * Quits the browser, stops chromedriver, ends whatever of their processes is left and deletes the
   * temporary directory; idempotent.
   *
   * @throws IllegalStateException when a process does not end even after SIGKILL
   */
  @Override
  public void close() {
    synchronized (lifecycleLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        // Collected first: once chromedriver has ended, the browser's processes are no longer its
        // descendants and could not be found.
        List<ProcessHandle> processes = processes();
        quitQuietly();
        if (!ChildProcesses.end(processes, STOP_GRACE)) {
          throw new IllegalStateException(
              "chromedriver or Chromium did not end: "
                  + processes.stream().filter(ProcessHandle::isAlive).toList());
        }
      } finally {
        ChildProcesses.removeShutdownHook(killer);
        ChildProcesses.deleteRecursively(workDir);
      }
    }
  }

  private void launch(Path browser) {
    long started = System.nanoTime();
    try {
      service.start();
    } catch (IOException | WebDriverException e) {
      throw failure("chromedriver did not start", e);
    }
    driverProcess = findDriverProcess(service.getUrl().getPort());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments(arguments(workDir.resolve("profile")));
    options.setPageLoadTimeout(PAGE_LOAD_TIMEOUT);
    try {
      driver = new ChromeDriver(service, options);
    } catch (WebDriverException e) {
      throw failure("Chromium did not start", e);
    }
    LOG.info(
        "headless Chromium {} ready in {} ms",
        driver.getCapabilities().getBrowserVersion(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /**
   * Every process of this browser: chromedriver and its descendants (the browser, its zygotes,
   * renderers and utilities), and any process naming the work directory in its arguments (the crash
   * handlers, which are not descendants).
   */
  List<ProcessHandle> processes() {
    List<ProcessHandle> processes = new ArrayList<>();
    ProcessHandle root = driverProcess;
    if (root != null) {
      processes.addAll(ChildProcesses.tree(root));
    }
    String marker = workDir.toString() + File.separator;
    ProcessHandle.allProcesses()
        .filter(process -> process.info().commandLine().orElse("").contains(marker))
        .filter(process -> !processes.contains(process))
        .forEach(processes::add);
    return processes;
  }

  /** The child of this JVM that is chromedriver listening on {@code port}. */
  private static ProcessHandle findDriverProcess(int port) {
    String portArgument = "--port=" + port;
    return ProcessHandle.current()
        .children()
        .filter(
            child ->
                child.info().arguments().map(a -> List.of(a).contains(portArgument)).orElse(false))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "chromedriver started, but no child process has the argument " + portArgument));
  }

  private IllegalStateException failure(String what, Exception cause) {
    return new IllegalStateException(
        what
            + "; chromedriver's log ends with:\n"
            + ChildProcesses.tail(workDir.resolve("chromedriver.log"), LOG_TAIL_CHARS),
        cause);
  }

  /** Asks chromedriver to close the browser, then stops chromedriver; failures are only logged. */
  private void quitQuietly() {
    ChromeDriver current = driver;
    if (current != null) {
      try {
        current.quit(); // also stops the service
      } catch (WebDriverException e) {
        LOG.warn("quitting Chromium failed; its processes are ended anyway", e);
      }
    }
    service.stop();
  }

  /** The shutdown hook: kills the whole tree at once and deletes the work directory. */
  private void killNow() {
    ChildProcesses.end(processes(), Duration.ZERO); // no grace: SIGKILL at once
    ChildProcesses.deleteRecursively(workDir);
  }

  private static java.util.logging.Logger quiet() {
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");
    logger.setLevel(java.util.logging.Level.SEVERE);
    return logger;
  }

  private static Path write(Path file, byte[] png) {
    Path absolute = file.toAbsolutePath();
    try {
      Files.createDirectories(absolute.getParent());
      Files.write(absolute, png);
    } catch (IOException e) {
      throw new UncheckedIOException("could not save the screenshot " + absolute, e);
    }
    return absolute;
  }
}
