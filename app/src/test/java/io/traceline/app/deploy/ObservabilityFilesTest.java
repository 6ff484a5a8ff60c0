package io.traceline.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.CorrelatorTopology;
import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.kinesis.KinesisIngest;
import io.traceline.ingest.kinesis.KinesisSettings;
import io.traceline.ingest.parse.RequestMemory;
import io.traceline.ingest.publish.EventPublisher;
import io.traceline.model.Topics;
import io.traceline.sink.kafka.SinkService;
import io.traceline.sink.kafka.SinkSettings;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import io.traceline.sink.opensearch.OpenSearchSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The observability files agree with each other and with the code: the Grafana dashboard and the
 * Prometheus alert rules parse, query only metrics that {@code docs/metrics.md} documents, and each
 * alert points to a section of {@code docs/runbook.md}; every {@code traceline_*} metric the stages
 * register, as Prometheus names it, is documented, with the values of its tags.
 */
@Timeout(120)
class ObservabilityFilesTest {

  /** The repository root: the app module runs its tests with app/ as working directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Path METRICS_DOC = ROOT.resolve("docs/metrics.md");
  private static final Path RUNBOOK = ROOT.resolve("docs/runbook.md");
  private static final Path DASHBOARD = ROOT.resolve("deploy/grafana/traceline-dashboard.json");
  private static final Path ALERTS = ROOT.resolve("deploy/prometheus/traceline-alerts.yaml");

  /** A Traceline metric name as Prometheus shows it. */
  private static final Pattern TRACELINE_METRIC = Pattern.compile("\\btraceline_[a-z0-9_]+");

  /** A function applied to a range vector, and the metric of its selector. */
  private static final Pattern RANGE_FUNCTION =
      Pattern.compile("\\b(rate|increase|irate)\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");

  /** One sample line of a scrape: name, labels, value. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})? \\S+$", Pattern.MULTILINE);

  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  /** A Markdown heading. */
  private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *$", Pattern.MULTILINE);

  /**
   * Tags whose values are names of things (a task, a shard, a topic, a reader's memory), not a
   * closed list the metrics reference has to spell out.
   */
  private static final Set<String> OPEN_TAGS =
      Set.of("stage", "instance", "task", "shard", "topic", "memory");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path stateDir;

  @Test
  void dashboardParsesAndQueriesOnlyDocumentedMetrics() throws Exception {
    JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
    assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
    assertThat(dashboard.path("__inputs").findValuesAsText("name")).contains("DS_PROMETHEUS");
    Map<String, String> variables = new TreeMap<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      variables.put(variable.path("name").asText(), variable.path("type").asText());
    }
    assertThat(variables)
        .containsEntry("DS_PROMETHEUS", "datasource")
        .containsKeys("stage", "instance");

    List<String> expressions = new ArrayList<>();
    List<JsonNode> panels = new ArrayList<>();
    collectPanels(dashboard.path("panels"), panels);
    for (JsonNode panel : panels) {
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.path("datasource").path("uid").asText())
          .as("datasource of panel %s", panel.path("title").asText())
          .isEqualTo("${DS_PROMETHEUS}");
      assertThat(panel.path("targets").size())
          .as("queries of panel %s", panel.path("title").asText())
          .isPositive();
      for (JsonNode target : panel.path("targets")) {
        expressions.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        expressions.add(variable.path("definition").asText());
      }
    }
    assertThat(expressions).doesNotContain("");

    Set<String> used = tracelineMetrics(expressions);
    assertThat(used)
        .as("the dashboard shows every stage")
        .anyMatch(name -> name.startsWith("traceline_ingest_"))
        .anyMatch(name -> name.startsWith("traceline_correlator_"))
        .anyMatch(name -> name.startsWith("traceline_sink_"));
    assertThat(documentedMetrics()).containsAll(used);
    assertRatesOnlyOverCounters(expressions);
  }

  @Test
  void alertRulesParseAndEachHasSeveritySummaryAndARunbookSection() throws Exception {
    JsonNode rules = YAML.readTree(ALERTS.toFile());
    Set<String> anchors = headingAnchors(Files.readString(RUNBOOK));
    List<String> alerts = new ArrayList<>();
    assertThat(rules.path("groups").size()).isPositive();
    for (JsonNode group : rules.path("groups")) {
      assertThat(group.path("name").asText()).isNotBlank();
      assertThat(group.path("rules").size()).as(group.path("name").asText()).isPositive();
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertThat(alert).as("a rule of %s", group.path("name").asText()).isNotBlank();
        alerts.add(alert);
        assertThat(rule.path("expr").asText()).as(alert).isNotBlank();
        assertThat(rule.path("labels").path("severity").asText())
            .as("severity of %s", alert)
            .isIn("critical", "warning");
        assertThat(rule.path("annotations").path("summary").asText())
            .as("summary of %s", alert)
            .isNotBlank();
        assertThat(rule.path("annotations").path("description").asText())
            .as("description of %s", alert)
            .isNotBlank();
        String runbook = rule.path("annotations").path("runbook_url").asText();
        assertThat(runbook).as("runbook_url of %s", alert).startsWith("docs/runbook.md#");
        assertThat(anchors)
            .as("the anchor of %s's runbook_url among the runbook's headings", alert)
            .contains(runbook.substring(runbook.indexOf('#') + 1));
      }
    }
    assertThat(alerts).doesNotHaveDuplicates();
    Set<String> alertSections = new TreeSet<>();
    Matcher heading = HEADING.matcher(withoutCodeBlocks(Files.readString(RUNBOOK)));
    while (heading.find()) {
      if (heading.group(1).startsWith("Traceline")) {
        alertSections.add(heading.group(1));
      }
    }
    assertThat(alertSections).as("the runbook's sections of alerts").isEqualTo(Set.copyOf(alerts));
  }

  @Test
  void alertRulesQueryOnlyDocumentedMetrics() throws Exception {
    JsonNode rules = YAML.readTree(ALERTS.toFile());
    List<String> expressions = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        expressions.add(rule.path("expr").asText());
      }
    }
    Set<String> used = tracelineMetrics(expressions);
    assertThat(used)
        .contains(
            "traceline_ingest_kinesis_millis_behind_latest_milliseconds",
            "traceline_correlator_events_total",
            "traceline_correlator_open_traces",
            "traceline_sink_outages_total");
    assertThat(documentedMetrics()).containsAll(used);
    assertRatesOnlyOverCounters(expressions);
  }

  @Test
  void theDocsLinksToRunbookSectionsResolve() throws Exception {
    Set<String> anchors = headingAnchors(Files.readString(RUNBOOK));
    List<String> links = new ArrayList<>();
    Matcher toRunbook =
        Pattern.compile("\\(runbook\\.md#([^)]+)\\)").matcher(Files.readString(METRICS_DOC));
    while (toRunbook.find()) {
      links.add(toRunbook.group(1));
    }
    Matcher within = Pattern.compile("\\]\\(#([^)]+)\\)").matcher(Files.readString(RUNBOOK));
    while (within.find()) {
      links.add(within.group(1));
    }
    assertThat(links).isNotEmpty();
    assertThat(anchors).containsAll(links);
  }

  @Test
  void everyMetricTheStagesRegisterIsDocumentedWithItsTagValues() throws Exception {
    Map<String, Map<String, Set<String>>> registered = registeredTracelineMetrics();
    assertThat(registered.keySet())
        .contains(
            "traceline_ingest_records_total",
            "traceline_ingest_kinesis_transactions_total",
            "traceline_ingest_published_total",
            "traceline_correlator_events_total",
            "traceline_correlator_dlq_total",
            "traceline_correlator_baseline_routes",
            "traceline_ingest_event_failures_total",
            "traceline_sink_documents_total");
    String doc = Files.readString(METRICS_DOC);
    assertThat(documentedMetrics()).containsAll(registered.keySet());
    for (Map.Entry<String, Map<String, Set<String>>> metric : registered.entrySet()) {
      for (Map.Entry<String, Set<String>> tag : metric.getValue().entrySet()) {
        if (OPEN_TAGS.contains(tag.getKey())) {
          continue;
        }
        for (String value : tag.getValue()) {
          assertThat(doc)
              .as("value %s of tag %s of %s", value, tag.getKey(), metric.getKey())
              .contains("`" + value + "`");
        }
      }
    }
  }

  /**
   * The {@code traceline_*} metrics the stages register, with their tags' values, as a Prometheus
   * scrape names them: the meter owners instantiated against one registry (no broker, no
   * OpenSearch: their clients connect only when used), the correlator's topology run on a {@link
   * TopologyTestDriver} so that its per-task gauges and its DLQ counter exist. Scraped while all of
   * them are open: closing removes per-task and per-reader gauges.
   */
  private Map<String, Map<String, Set<String>>> registeredTracelineMetrics() throws Exception {
    String unreachable = "127.0.0.1:9";
    Properties streams = new Properties();
    streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "observability-test");
    streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, unreachable);
    streams.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (RequestMemory memory = new RequestMemory("reader-0", 16, Duration.ofMinutes(1), registry);
        KinesisClient kinesis =
            KinesisClient.builder()
                .region(Region.EU_WEST_1)
                .endpointOverride(URI.create("http://" + unreachable))
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
        EventPublisher publisher =
            new EventPublisher(Map.of("bootstrap.servers", unreachable), registry);
        TopologyTestDriver correlator =
            new TopologyTestDriver(
                CorrelatorTopology.build(CorrelatorSettings.defaults(), registry),
                streams,
                Instant.parse("2026-01-01T00:00:00Z"));
        OpenSearchIndexer indexer =
            OpenSearchIndexer.create(OpenSearchSettings.of(URI.create("http://" + unreachable)));
        SinkService sink =
            new SinkService(SinkSettings.of(unreachable), indexer, registry, Clock.systemUTC())) {
      RecordProcessor processor = new RecordProcessor(registry);
      new KinesisIngest(
          KinesisSettings.defaults("logs"),
          kinesis,
          Map.of("bootstrap.servers", unreachable),
          processor,
          registry,
          Clock.systemUTC());
      // An event without an id: the counter of single dead events appears with its first one.
      Outcome outcome =
          processor.processJson(
              ("{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\","
                      + "\"logGroup\":\"/aws/lambda/shop\",\"logStream\":\"s\","
                      + "\"subscriptionFilters\":[\"f\"],"
                      + "\"logEvents\":[{\"id\":\"\",\"timestamp\":1,\"message\":\"hi\"}]}")
                  .getBytes(StandardCharsets.UTF_8),
              new Source("test", null, null));
      assertThat(outcome.deadLetters()).hasSize(1);
      // KinesisIngest registers these only while it runs against Kafka and Kinesis; registered
      // here as its run() does (its constants, the same types and base units), so that the
      // registry's own naming convention spells them.
      Gauge.builder(KinesisIngest.MILLIS_BEHIND, () -> 0)
          .tag("shard", "shardId-000000000000")
          .baseUnit("milliseconds")
          .register(registry);
      Gauge.builder(KinesisIngest.CHECKPOINT_AGE, () -> 0)
          .tag("shard", "shardId-000000000000")
          .baseUnit("milliseconds")
          .register(registry);
      FunctionCounter.builder(KinesisIngest.UNREADABLE_CHECKPOINTS, memory, any -> 0)
          .register(registry);
      // A record without a value: the correlator's DLQ counter appears with its first record.
      correlator
          .createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer())
          .pipeInput("0af7651916cd43dd8448eb211c80319c", (byte[]) null);
      assertThat(publisher).isNotNull();
      assertThat(sink.failure()).isNull();
      return tracelineSamples(registry.scrape());
    } finally {
      registry.close();
    }
  }

  /** The {@code traceline_*} sample names of a scrape, with the values of each label. */
  private static Map<String, Map<String, Set<String>>> tracelineSamples(String scrape) {
    Map<String, Map<String, Set<String>>> metrics = new TreeMap<>();
    Matcher sample = SAMPLE.matcher(scrape);
    while (sample.find()) {
      if (!sample.group(1).startsWith("traceline_")) {
        continue;
      }
      Map<String, Set<String>> tags =
          metrics.computeIfAbsent(sample.group(1), n -> new TreeMap<>());
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          tags.computeIfAbsent(label.group(1), k -> new TreeSet<>()).add(label.group(2));
        }
      }
    }
    return metrics;
  }

  /** Every {@code traceline_*} name docs/metrics.md mentions. */
  private static Set<String> documentedMetrics() throws Exception {
    Set<String> documented = tracelineMetrics(List.of(Files.readString(METRICS_DOC)));
    assertThat(documented).isNotEmpty();
    return documented;
  }

  private static Set<String> tracelineMetrics(List<String> texts) {
    Set<String> names = new TreeSet<>();
    for (String text : texts) {
      Matcher name = TRACELINE_METRIC.matcher(text);
      while (name.find()) {
        names.add(name.group());
      }
    }
    return names;
  }

  /** rate() and increase() are only meaningful over counters (and summaries' _sum, _count). */
  private static void assertRatesOnlyOverCounters(List<String> expressions) {
    for (String expression : expressions) {
      Matcher function = RANGE_FUNCTION.matcher(expression);
      while (function.find()) {
        assertThat(function.group(2))
            .as("%s() in %s", function.group(1), expression)
            .matches(".*_(total|sum|count)");
      }
    }
  }

  /** The Markdown without its fenced code blocks (a {@code #} there is no heading). */
  private static String withoutCodeBlocks(String markdown) {
    return markdown.replaceAll("(?ms)^```.*?^```", "");
  }

  private static void collectPanels(JsonNode panels, List<JsonNode> into) {
    for (JsonNode panel : panels) {
      into.add(panel);
      collectPanels(panel.path("panels"), into);
    }
  }

  /** The anchors a Markdown renderer gives the headings (GitHub's rule). */
  private static Set<String> headingAnchors(String markdown) {
    Set<String> anchors = new TreeSet<>();
    Matcher heading = HEADING.matcher(withoutCodeBlocks(markdown));
    while (heading.find()) {
      anchors.add(
          heading
              .group(1)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-'));
    }
    return anchors;
  }
}
