package io.traceline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.traceline.embedded.junit.ChromiumExtension;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, driven by Debian's chromedriver, loads a page from a local HTTP server, runs
 * its JavaScript when a button is clicked, and saves screenshots; closing it leaves no process.
 */
@ExtendWith(ChromiumExtension.class)
@Timeout(120)
class HeadlessChromiumIT {

  private static final String PAGE =
      """
      <!doctype html>
      <html>
      <head><meta charset="utf-8"><title>Traceline browser check</title></head>
      <body style="font-family: sans-serif">
        <h1>Timeline</h1>
        <p id="status">no spans</p>
        <button id="load" type="button">Load spans</button>
        <ul id="spans"></ul>
        <script>
          document.getElementById('load').addEventListener('click', () => {
            for (const service of ['shop-api-prod', 'checkout-api', 'inventory-svc']) {
              const item = document.createElement('li');
              item.textContent = service;
              document.getElementById('spans').appendChild(item);
            }
            document.getElementById('status').textContent = '3 spans';
          });
        </script>
      </body>
      </html>
      """;

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static HttpServer server;

  @BeforeAll
  static void serve() throws IOException {
    int port = FreePorts.pick(1)[0];
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", HeadlessChromiumIT::page);
    server.start();
  }

  @AfterAll
  static void stopServing() {
    server.stop(0);
  }

  private static void page(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/")) {
        exchange.sendResponseHeaders(404, -1); // e.g. /favicon.ico
        return;
      }
      byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String pageUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/").toString();
  }

  @Test
  void clickingTheButtonRunsThePagesScriptAndScreenshotsAreSaved(HeadlessChromium chromium)
      throws IOException {
    ChromeDriver driver = chromium.driver();
    driver.get(pageUrl());
    assertThat(driver.getTitle()).isEqualTo("Traceline browser check");
    assertThat(driver.findElement(By.id("status")).getText()).isEqualTo("no spans");

    driver.findElement(By.id("load")).click();

    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBe(By.id("status"), "3 spans"));
    WebElement spans = driver.findElement(By.id("spans"));
    assertThat(spans.findElements(By.tagName("li")).stream().map(WebElement::getText))
        .containsExactly("shop-api-prod", "checkout-api", "inventory-svc");

    Path page = chromium.screenshot("headless-chromium-page");
    assertThat(page)
        .isEqualTo(Path.of("target/screenshots/headless-chromium-page.png").toAbsolutePath());
    BufferedImage pageImage = png(page);
    assertThat(pageImage.getWidth()).isEqualTo(HeadlessChromium.WIDTH);
    assertThat(pageImage.getHeight())
        .isBetween(HeadlessChromium.HEIGHT / 2, HeadlessChromium.HEIGHT);

    Path element =
        chromium.screenshot(
            spans, HeadlessChromium.SCREENSHOTS.resolve("headless-chromium-spans.png"));
    BufferedImage elementImage = png(element);
    assertThat(elementImage.getHeight()).isPositive().isLessThan(pageImage.getHeight());
  }

  @Test
  void theWindowHasTheFixedSize(HeadlessChromium chromium) {
    ChromeDriver driver = chromium.driver();
    driver.get(pageUrl());

    Object size = driver.executeScript("return [window.outerWidth, window.outerHeight]");

    assertThat(size)
        .isEqualTo(List.of((long) HeadlessChromium.WIDTH, (long) HeadlessChromium.HEIGHT));
  }

  @Test
  void aScreenshotNameIsAFileNameWithoutFolders(HeadlessChromium chromium) {
    assertThatThrownBy(() -> chromium.screenshot("../escape"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closeEndsChromedriverAndEveryBrowserProcessAndDeletesTheProfile() {
    HeadlessChromium own = HeadlessChromium.start();
    own.driver().get(pageUrl());
    Path workDir = own.workDir();
    List<ProcessHandle> processes = own.processes();
    assertThat(processes.get(0)).isEqualTo(own.driverProcess());
    assertThat(commandLines(processes))
        .anyMatch(line -> line.startsWith(HeadlessChromium.DEBIAN_DRIVER + " --port="))
        .anyMatch(line -> line.contains("--headless=new"))
        .anyMatch(line -> line.contains("--user-data-dir=" + workDir.resolve("profile")));
    assertThat(workDir.resolve("profile")).isDirectory();

    own.close();
    own.close(); // idempotent

    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(ProcessHandle.allProcesses().filter(p -> mentions(p, workDir))).isEmpty();
    assertThat(workDir).doesNotExist();
    assertThatThrownBy(own::driver).isInstanceOf(IllegalStateException.class);
  }

  private static List<String> commandLines(List<ProcessHandle> processes) {
    return processes.stream().map(p -> p.info().commandLine().orElse("")).toList();
  }

  private static boolean mentions(ProcessHandle process, Path workDir) {
    return process.info().commandLine().orElse("").contains(workDir + File.separator);
  }

  private static BufferedImage png(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes).startsWith(PNG_SIGNATURE);
    return ImageIO.read(file.toFile());
  }
}
