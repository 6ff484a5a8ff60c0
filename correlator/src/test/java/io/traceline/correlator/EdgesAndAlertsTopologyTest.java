package io.traceline.correlator;

import static io.traceline.correlator.Events.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.model.Alert;
import io.traceline.model.FlagType;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.ServiceEdgeStats;
import io.traceline.model.Timeline;
import io.traceline.model.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The alerts topic and the per-minute service-edge aggregates, on TopologyTestDriver. */
@Timeout(60)
class EdgesAndAlertsTopologyTest {

  /** A whole minute, so that the calls below fall into one aggregation window. */
  private static final long MINUTE = 1_763_111_520_000L;

  private static final Instant WALL_START = Instant.ofEpochMilli(1_800_000_000_000L);
  private static final CorrelatorSettings SETTINGS =
      CorrelatorSettings.builder()
          .inactivityGap(Duration.ofSeconds(5))
          .maxTraceAge(Duration.ofSeconds(60))
          .grace(Duration.ofSeconds(30))
          .closeCheckInterval(Duration.ofSeconds(1))
          .build();

  @TempDir Path stateDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> events;
  private TestOutputTopic<String, byte[]> timelines;
  private TestOutputTopic<String, byte[]> alerts;
  private TestOutputTopic<String, byte[]> edges;
  private int traces;

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "edges-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(CorrelatorTopology.build(SETTINGS, registry), props, WALL_START);
    events =
        driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
    timelines = output(Topics.TIMELINES);
    alerts = output(Topics.ALERTS);
    edges = output(Topics.SERVICE_EDGES);
  }

  private TestOutputTopic<String, byte[]> output(String topic) {
    return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  /** frontend -> cart twice (client spans), the second call failing when {@code fails}. */
  private String request(long start, long cartMs, boolean fails) {
    String trace = String.format(Locale.ROOT, "%032x", 0xabc000L + traces++);
    List<LogEvent> spans = new ArrayList<>();
    spans.add(
        span(trace, trace + "-1", start, 200, "frontend", "GET /cart", "SERVER", "a1", null)
            .build());
    spans.add(
        span(
                trace,
                trace + "-2",
                start + 10,
                cartMs + 4,
                "frontend",
                "Cart/Get",
                "CLIENT",
                "a2",
                "a1")
            .build());
    spans.add(
        span(trace, trace + "-3", start + 12, cartMs, "cart", "Cart/Get", "SERVER", "b1", "a2")
            .build());
    spans.add(
        span(trace, trace + "-4", start + 100, 24, "frontend", "Cart/Get", "CLIENT", "a3", "a1")
            .build());
    LogEvent.Builder second =
        span(trace, trace + "-5", start + 102, 20, "cart", "Cart/Get", "SERVER", "b2", "a3");
    spans.add(fails ? second.status("error").level("ERROR").build() : second.build());
    for (LogEvent e : spans) {
      events.pipeInput(e.traceId(), Json.writeEvent(e), e.timestamp());
    }
    return trace;
  }

  private void wallClockPasses(Duration d) {
    for (long s = 0; s < d.toSeconds(); s++) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
    }
  }

  private List<ServiceEdgeStats> edgeStats() {
    List<ServiceEdgeStats> out = new ArrayList<>();
    for (TestRecord<String, byte[]> r : edges.readRecordsToList()) {
      ServiceEdgeStats stats = Json.readEdgeStats(r.value());
      assertThat(r.key()).isEqualTo(stats.key());
      out.add(stats);
    }
    return out;
  }

  @Test
  void flaggedTimelinesAndOnlyThoseGoToTheAlertsTopicInSlimForm() {
    String healthy = request(MINUTE + 1_000, 40, false);
    String failing = request(MINUTE + 2_000, 40, true);
    wallClockPasses(Duration.ofSeconds(7));

    assertThat(timelines.readValuesToList()).hasSize(2);
    List<TestRecord<String, byte[]>> out = alerts.readRecordsToList();
    assertThat(out).hasSize(1);
    Alert alert = Json.readAlert(out.get(0).value());
    assertThat(out.get(0).key()).isEqualTo(failing).isNotEqualTo(healthy);
    assertThat(alert.route()).isEqualTo(new Timeline.Hop("frontend", "GET /cart"));
    assertThat(alert.flags()).extracting(Timeline.Flag::type).contains(FlagType.ERROR);
    assertThat(alert.revision()).isEqualTo(1);
    assertThat(registry.get("traceline.correlator.alerts").counter().count()).isEqualTo(1);
  }

  @Test
  void callsAreAggregatedPerEdgeAndMinuteOnceTheMinuteSettledThenUpdatedByLaterTraces() {
    for (int i = 0; i < 10; i++) {
      request(MINUTE + 1_000 + i * 100L, 40 + i, i == 3);
    }
    wallClockPasses(Duration.ofSeconds(7));
    assertThat(timelines.readValuesToList()).hasSize(10);
    assertThat(edgeStats()).as("the minute has not settled yet").isEmpty();

    wallClockPasses(Duration.ofSeconds(60));
    List<ServiceEdgeStats> first = edgeStats();
    assertThat(first).hasSize(1);
    ServiceEdgeStats stats = first.get(0);
    assertThat(stats.from()).isEqualTo("frontend");
    assertThat(stats.to()).isEqualTo("cart");
    assertThat(stats.minute()).isEqualTo(MINUTE);
    assertThat(stats.calls()).isEqualTo(20);
    assertThat(stats.errors()).isEqualTo(1);
    assertThat(stats.revision()).isEqualTo(1);
    // client-span latencies: ten of 24 ms, ten of 44..53 ms
    assertThat(stats.p50Ms()).isBetween(23.0, 45.0);
    assertThat(stats.p99Ms()).isBetween(51.4, 53.6); // the top values, within 1%

    // a request of the same minute whose events arrive late (delivery lag) updates the minute
    request(MINUTE + 30_000, 500, false);
    wallClockPasses(Duration.ofSeconds(8));
    List<ServiceEdgeStats> update = edgeStats();
    assertThat(update).hasSize(1);
    assertThat(update.get(0).revision()).isEqualTo(2);
    assertThat(update.get(0).calls()).isEqualTo(22);
    assertThat(update.get(0).maxMs()).isGreaterThan(490);
    assertThat(update.get(0).key()).isEqualTo(stats.key());

    // once no trace of that minute can still be open, it is dropped; later calls are counted
    wallClockPasses(Duration.ofSeconds(70));
    request(MINUTE + 40_000, 40, false);
    wallClockPasses(Duration.ofSeconds(8));
    assertThat(edgeStats()).isEmpty();
    assertThat(
            registry
                .get("traceline.correlator.edges.calls")
                .tag("outcome", "late")
                .counter()
                .count())
        .isEqualTo(2);
  }

  @Test
  void aRevisionAddsNoCallsTwice() {
    String trace = request(MINUTE + 1_000, 40, false);
    wallClockPasses(Duration.ofSeconds(7));
    LogEvent late =
        Events.event(trace, trace + "-late", MINUTE + 150, "frontend").message("late line").build();
    events.pipeInput(trace, Json.writeEvent(late), late.timestamp());
    wallClockPasses(Duration.ofSeconds(7));
    assertThat(timelines.readValuesToList()).hasSize(2);

    wallClockPasses(Duration.ofSeconds(60));
    List<ServiceEdgeStats> stats = edgeStats();
    assertThat(stats).singleElement().extracting(ServiceEdgeStats::calls).isEqualTo(2L);
  }
}
