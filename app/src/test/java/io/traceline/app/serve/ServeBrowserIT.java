package io.traceline.app.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.demo.ShopWorkload;
import io.traceline.app.replay.OfflineCorrelator;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.embedded.HeadlessChromium;
import io.traceline.embedded.junit.ChromiumExtension;
import io.traceline.embedded.junit.OpenSearchExtension;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.decode.SubscriptionDecoder;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.model.Json;
import io.traceline.model.Timeline;
import io.traceline.model.Topics;
import io.traceline.serve.ServeServer;
import io.traceline.serve.query.TimelineReader;
import io.traceline.sink.opensearch.Doc;
import io.traceline.sink.opensearch.DocKind;
import io.traceline.sink.opensearch.Documents;
import io.traceline.sink.opensearch.ItemResult;
import io.traceline.sink.opensearch.OpenSearchConnection;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import io.traceline.sink.opensearch.OpenSearchSettings;
import io.traceline.sink.opensearch.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Debian's), served by {@link ServeServer} over the real
 * OpenSearch server, with the timelines, alerts and service edges the real correlator made of the
 * demo's shop workload: two hours of it, the last 50 minutes with a third-party outage (8% of
 * requests time out instead of 0.2%). Opens the search page, a timeline (its bars, the marked
 * bottleneck, its log lines), the service map and the outliers, and saves a screenshot of each into
 * {@code target/screenshots}.
 */
@ExtendWith({OpenSearchExtension.class, ChromiumExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeBrowserIT {

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration INCIDENT = Duration.ofMinutes(50);

  private final Map<String, Timeline> latest = new HashMap<>();
  private OpenSearchConnection connection;
  private ServeServer server;
  private String base;
  private long incidentStart;

  @BeforeAll
  void indexTwoHoursOfTheShopAndServe(EmbeddedOpenSearch opensearch) throws Exception {
    long now = System.currentTimeMillis();
    List<Doc> docs = new ArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordProcessor processor = new RecordProcessor(registry);
    try (OfflineCorrelator correlator =
        new OfflineCorrelator(CorrelatorSettings.defaults(), registry)) {
      correlator.onDerivedRecords(
          (topic, record) -> {
            if (topic.equals(Topics.ALERTS)) {
              docs.add(doc(DocKind.ALERT, record.key(), record.value()));
            } else if (topic.equals(Topics.SERVICE_EDGES)) {
              docs.add(doc(DocKind.SERVICE_EDGE, record.key(), record.value()));
            }
          });
      List<SubscriptionMessage> messages = new ArrayList<>();
      // Ten quiet minutes between the phases: "the last hour" holds the outage alone for as long as
      // the test takes.
      incidentStart = now - INCIDENT.toMillis();
      messages.addAll(run(workload(11, 0.002), now - 2 * HOUR.toMillis(), now - 70 * 60_000L));
      messages.addAll(run(workload(12, 0.08), incidentStart, now - 60_000));
      long sequence = 0;
      List<Timeline> timelines = new ArrayList<>();
      for (SubscriptionMessage m : messages) {
        byte[] data = SubscriptionDecoder.encode(m);
        timelines.addAll(
            correlator.add(
                processor.process(data, new Source("shop", "shard-0", Long.toString(sequence++)))));
      }
      timelines.addAll(correlator.finish());
      for (Timeline t : timelines) {
        docs.add(doc(DocKind.TIMELINE, t.traceId(), Json.writeTimeline(t)));
        latest.merge(t.traceId(), t, (a, b) -> a.revision() >= b.revision() ? a : b);
      }
    }
    OpenSearchSettings settings = OpenSearchSettings.of(opensearch.httpUri());
    try (OpenSearchIndexer indexer = OpenSearchIndexer.create(settings)) {
      indexer.installTemplates();
      for (int i = 0; i < docs.size(); i += 500) {
        assertThat(indexer.index(docs.subList(i, Math.min(docs.size(), i + 500))))
            .extracting(ItemResult::outcome)
            .doesNotContain(Outcome.REJECTED, Outcome.RETRYABLE);
      }
    }
    connection = OpenSearchConnection.open(settings);
    connection.json("POST", "/traceline-*/_refresh", Map.of(), null, 200);
    server = ServeServer.start(new TimelineReader(connection), Clock.systemUTC(), "127.0.0.1", 0);
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (connection != null) {
      connection.close();
    }
  }

  private static ShopWorkload workload(long seed, double timeoutRate) {
    return new ShopWorkload(
        ShopWorkload.Settings.builder()
            .requestsPerSecond(0.4)
            .seed(seed)
            .faultRates(0.02, 0.02, timeoutRate)
            .build());
  }

  /** The workload's messages from {@code from} to {@code to}, a second at a time. */
  private static List<SubscriptionMessage> run(ShopWorkload workload, long from, long to) {
    List<SubscriptionMessage> messages = new ArrayList<>();
    for (long t = from; t < to; t += 1000) {
      messages.addAll(workload.advanceTo(t));
    }
    messages.addAll(workload.drain());
    return messages;
  }

  private static Doc doc(DocKind kind, String key, byte[] value) {
    return Documents.of(kind, key.getBytes(StandardCharsets.UTF_8), value);
  }

  @Test
  void searchOpenATimelineTheMapAndTheOutliers(HeadlessChromium chromium) throws Exception {
    WebDriver browser = chromium.driver();

    // The search page: the newest timelines of the last hour, the chart above them.
    open(browser, "/#/search", "search");
    List<WebElement> rows = browser.findElements(By.cssSelector("#timelines tbody tr"));
    long lastHour = latest.values().stream().filter(t -> t.startTime() >= incidentStart).count();
    assertThat(rows).hasSize((int) Math.min(100, lastHour));
    assertThat(browser.findElement(By.id("results")).getText())
        .contains(lastHour + " traces match");
    assertThat(browser.findElements(By.cssSelector("#duration-chart svg"))).isNotEmpty();
    chromium.screenshot("search");

    // A click on a timed-out request opens its timeline.
    open(browser, "/#/search?flag=TIMEOUT", "search");
    WebElement first = browser.findElement(By.cssSelector("#timelines tbody tr"));
    String clicked = first.getAttribute("data-trace");
    first.findElement(By.tagName("a")).click();
    waitForPage(browser, "trace");
    assertThat(browser.findElement(By.cssSelector(".facts")).getText()).contains(clicked);

    // The timeline page of the slowest request with a segment bottleneck, by its X-Ray id.
    Timeline t =
        latest.values().stream()
            .filter(x -> x.bottleneck() != null)
            .filter(x -> x.bottleneck().kind() == Timeline.BottleneckKind.SEGMENT)
            .filter(x -> x.startTime() >= incidentStart)
            .max(
                Comparator.comparingInt((Timeline x) -> x.segments().size())
                    .thenComparingLong(Timeline::durationMs))
            .orElseThrow();
    String xray = "1-" + t.traceId().substring(0, 8) + "-" + t.traceId().substring(8);
    open(browser, "/#/trace/" + xray, "trace");
    List<WebElement> bars = browser.findElements(By.cssSelector("#gantt .bar"));
    assertThat(bars).hasSize(t.segments().size());
    for (int i = 0; i < bars.size(); i++) {
      Timeline.Segment s = t.segments().get(i);
      assertThat(bars.get(i).getAttribute("data-service")).isEqualTo(s.service());
      double width = percent(bars.get(i).getCssValue("width"), browser);
      assertThat(width)
          .as(s.service())
          .isCloseTo(Math.max(0.2, 100.0 * s.durationMs() / t.durationMs()), within(1.0));
    }
    List<WebElement> marked = browser.findElements(By.cssSelector("#gantt .bar.bottleneck"));
    assertThat(marked).hasSize(1);
    assertThat(marked.get(0).getAttribute("data-service")).isEqualTo(t.bottleneck().service());
    assertThat(browser.findElement(By.cssSelector("#gantt .marker")).getText())
        .contains("bottleneck " + Math.round(t.bottleneck().share() * 100) + "%");
    assertThat(browser.findElements(By.cssSelector("#log-lines tbody tr")))
        .hasSize(t.events().size());
    chromium.screenshot("timeline");

    // The service map: one node per service, each as healthy as the API says; the outage shows.
    open(browser, "/#/map", "map");
    JsonNode api = Json.MAPPER.readTree(new java.net.URL(base + "/api/service-map").openStream());
    TreeSet<String> expected = new TreeSet<>();
    api.path("nodes").forEach(n -> expected.add(n.path("service").asText()));
    @SuppressWarnings("unchecked")
    List<String> drawn =
        (List<String>)
            ((JavascriptExecutor) browser)
                .executeScript("return window.traceline.map.nodes().map(n => n.id()).sort()");
    assertThat(drawn).containsExactlyElementsOf(expected);
    assertThat(expected).contains("shop-api-prod", "checkout-api", "inventory-svc");
    List<String> healths = new ArrayList<>();
    for (JsonNode n : api.path("nodes")) {
      WebElement row =
          browser.findElement(
              By.cssSelector(
                  "#map-services tr[data-service='" + n.path("service").asText() + "']"));
      assertThat(row.getAttribute("data-health"))
          .isEqualTo(n.path("health").path("health").asText());
      healths.add(row.getAttribute("data-health"));
    }
    assertThat(healths)
        .as("the outage makes a service degraded or critical")
        .anyMatch(h -> !h.equals("HEALTHY"));
    chromium.screenshot("service-map");

    // The outliers the correlator flagged against its learned baselines, most extreme first.
    open(browser, "/#/outliers", "outliers");
    JsonNode outliers =
        Json.MAPPER.readTree(new java.net.URL(base + "/api/outliers?limit=200").openStream());
    assertThat(browser.findElements(By.cssSelector("#outliers tbody tr")))
        .hasSize(outliers.path("outliers").size());
    chromium.screenshot("outliers");
  }

  /** Opens the page and waits until the UI says it is drawn. */
  private void open(WebDriver browser, String path, String page) {
    browser.get(base + path);
    browser.navigate().refresh(); // a hash change alone does not reload the page
    waitForPage(browser, page);
  }

  private static void waitForPage(WebDriver browser, String page) {
    new WebDriverWait(browser, WAIT)
        .until(
            d ->
                page.equals(
                    ((JavascriptExecutor) d)
                        .executeScript("return window.traceline && window.traceline.page")));
    assertThat(browser.findElements(By.id("error"))).as("an error box").isEmpty();
  }

  /** A bar's width as a share of its track, in percent. */
  private static double percent(String cssWidth, WebDriver browser) {
    double track =
        ((Number)
                ((JavascriptExecutor) browser)
                    .executeScript(
                        "return document.querySelector('#gantt .track').getBoundingClientRect().width"))
            .doubleValue();
    return Double.parseDouble(cssWidth.replace("px", "")) * 100 / track;
  }
}
