package io.traceline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where the browser and its driver are looked for, and the flags the browser gets; no browser. */
@Timeout(10)
class ChromiumBinariesTest {

  private static final Map<String, String> NONE = Map.of();

  @Test
  void defaultsToDebiansPaths() {
    ChromiumBinaries binaries = ChromiumBinaries.resolve(NONE::get, NONE::get);

    assertThat(binaries.browser()).isEqualTo(Path.of("/usr/bin/chromium"));
    assertThat(binaries.driver()).isEqualTo(Path.of("/usr/bin/chromedriver"));
  }

  @Test
  void aSystemPropertyWinsOverTheEnvironment() {
    Map<String, String> properties =
        Map.of(HeadlessChromium.BROWSER_PROPERTY, "/opt/chromium/chrome");
    Map<String, String> environment =
        Map.of(
            HeadlessChromium.BROWSER_VARIABLE, "/srv/chromium",
            HeadlessChromium.DRIVER_VARIABLE, "/srv/chromedriver");

    ChromiumBinaries binaries = ChromiumBinaries.resolve(properties::get, environment::get);

    assertThat(binaries.browser()).isEqualTo(Path.of("/opt/chromium/chrome"));
    assertThat(binaries.driver()).isEqualTo(Path.of("/srv/chromedriver"));
  }

  @Test
  void blankSettingsCountAsUnset() {
    Map<String, String> blank =
        Map.of(HeadlessChromium.BROWSER_PROPERTY, " ", HeadlessChromium.DRIVER_PROPERTY, "");

    ChromiumBinaries binaries = ChromiumBinaries.resolve(blank::get, NONE::get);

    assertThat(binaries.browser()).isEqualTo(Path.of(HeadlessChromium.DEBIAN_BROWSER));
    assertThat(binaries.driver()).isEqualTo(Path.of(HeadlessChromium.DEBIAN_DRIVER));
  }

  @Test
  void missingExecutablesAreNamedWithTheDebianPackages(@TempDir Path dir) {
    ChromiumBinaries missing =
        new ChromiumBinaries(dir.resolve("chromium"), dir.resolve("chromedriver"));

    assertThatThrownBy(missing::requireExecutable)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no Chromium at " + dir.resolve("chromium"))
        .hasMessageContaining("no chromedriver at " + dir.resolve("chromedriver"))
        .hasMessageContaining("-D" + HeadlessChromium.BROWSER_PROPERTY)
        .hasMessageContaining(HeadlessChromium.DRIVER_VARIABLE)
        .hasMessageContaining("apt-get install --no-install-recommends chromium chromium-driver");
  }

  @Test
  void theBrowserIsHeadlessWithAFreshProfileAFixedWindowAndNoBackgroundTraffic() {
    Path profile = Path.of("/tmp/traceline-chromium-1/profile");

    assertThat(HeadlessChromium.arguments(profile))
        .containsExactly(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--user-data-dir=/tmp/traceline-chromium-1/profile",
            "--window-size=1400,900");
  }
}
