package io.traceline.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where {@link HeadlessChromium} finds the browser and its driver: each is named by a system
 * property, else by an environment variable, else it is the path where Debian's package installs
 * it. A pure function of the properties and the environment it is given, so that it can be checked
 * without a browser.
 */
record ChromiumBinaries(Path browser, Path driver) {

  /** The Debian packages that hold the two executables. */
  static final String PACKAGES = "chromium chromium-driver";

  /** The executables named by this JVM's system properties and environment, or Debian's. */
  static ChromiumBinaries configured() {
    return resolve(System::getProperty, System::getenv);
  }

  /**
   * The executables named by {@code properties} (looked up by name), else by {@code environment},
   * else Debian's paths.
   */
  static ChromiumBinaries resolve(
      UnaryOperator<String> properties, UnaryOperator<String> environment) {
    return new ChromiumBinaries(
        pick(
            properties.apply(HeadlessChromium.BROWSER_PROPERTY),
            environment.apply(HeadlessChromium.BROWSER_VARIABLE),
            HeadlessChromium.DEBIAN_BROWSER),
        pick(
            properties.apply(HeadlessChromium.DRIVER_PROPERTY),
            environment.apply(HeadlessChromium.DRIVER_VARIABLE),
            HeadlessChromium.DEBIAN_DRIVER));
  }

  /**
   * Returns this when both are executable files.
   *
   * @throws IllegalStateException naming each one missing, the Debian packages that install them
   *     and the settings that point elsewhere
   */
  ChromiumBinaries requireExecutable() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(browser)) {
      missing.add(
          "no Chromium at "
              + browser
              + " (-D"
              + HeadlessChromium.BROWSER_PROPERTY
              + " or "
              + HeadlessChromium.BROWSER_VARIABLE
              + " names another)");
    }
    if (!Files.isExecutable(driver)) {
      missing.add(
          "no chromedriver at "
              + driver
              + " (-D"
              + HeadlessChromium.DRIVER_PROPERTY
              + " or "
              + HeadlessChromium.DRIVER_VARIABLE
              + " names another)");
    }
    if (missing.isEmpty()) {
      return this;
    }
    throw new IllegalStateException(
        String.join("; ", missing)
            + ". Browser tests need the Debian packages "
            + PACKAGES
            + ": apt-get install --no-install-recommends "
            + PACKAGES
            + " (`mvn verify` installs them when it runs as root or with passwordless sudo).");
  }

  private static Path pick(String property, String variable, String debianDefault) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    if (variable != null && !variable.isBlank()) {
      return Path.of(variable);
    }
    return Path.of(debianDefault);
  }
}
