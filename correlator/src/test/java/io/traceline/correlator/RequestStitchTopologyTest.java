package io.traceline.correlator;

import static io.traceline.correlator.Events.TRACE;
import static io.traceline.correlator.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.correlator.internals.StoreNames;
import io.traceline.model.DeadLetters;
import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import io.traceline.model.Timeline;
import io.traceline.model.Topics;
import io.traceline.model.TraceIdFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request stitcher on {@code TopologyTestDriver}: unkeyed events of a log stream get their
 * trace from request links that another ingest instance published, and reach the trace correlator
 * through the events topic.
 */
@Timeout(60)
class RequestStitchTopologyTest {

  private static final long T0 = 1_763_111_554_000L;
  private static final Instant WALL_START = Instant.ofEpochMilli(1_800_000_000_000L);
  private static final String GROUP = "/aws/lambda/checkout-api";
  private static final String STREAM = "2025/11/14/[$LATEST]0a1b2c3d";
  private static final String KEY = GROUP + "|" + STREAM;
  private static final String R1 = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
  private static final String R2 = "22222222-2222-4222-8222-222222222222";
  private static final CorrelatorSettings SETTINGS =
      CorrelatorSettings.builder()
          .inactivityGap(Duration.ofSeconds(5))
          .maxTraceAge(Duration.ofSeconds(60))
          .grace(Duration.ofSeconds(30))
          .stitchHorizon(Duration.ofSeconds(20))
          .build();

  @TempDir Path stateDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> events;
  private TestInputTopic<String, byte[]> unkeyed;
  private TestInputTopic<String, byte[]> links;
  private TestOutputTopic<String, byte[]> eventsOut;
  private TestOutputTopic<String, byte[]> timelines;
  private TestOutputTopic<String, byte[]> dlq;

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "stitch-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(CorrelatorTopology.build(SETTINGS, registry), props, WALL_START);
    StringSerializer keys = new StringSerializer();
    ByteArraySerializer values = new ByteArraySerializer();
    events = driver.createInputTopic(Topics.EVENTS, keys, values);
    unkeyed = driver.createInputTopic(Topics.UNKEYED, keys, values);
    links = driver.createInputTopic(Topics.REQUEST_LINKS, keys, values);
    eventsOut =
        driver.createOutputTopic(
            Topics.EVENTS, new StringDeserializer(), new ByteArrayDeserializer());
    timelines =
        driver.createOutputTopic(
            Topics.TIMELINES, new StringDeserializer(), new ByteArrayDeserializer());
    dlq =
        driver.createOutputTopic(Topics.DLQ, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  // --- inputs ------------------------------------------------------------------------------------

  private static LogEvent.Builder line(String id, long ts) {
    return event(null, id, ts, "checkout-api").logGroup(GROUP).logStream(STREAM);
  }

  private static LogEvent report(String id, String requestId, long ts) {
    return line(id, ts)
        .kind(EventKind.LAMBDA_REPORT)
        .requestId(requestId)
        .durationMs(1030.0)
        .status("timeout")
        .attribute(LogEvent.COLD_START, "true")
        .attribute(LogEvent.INIT_DURATION_MS, "412.5")
        .build();
  }

  private static LogEvent init(String id, long ts) {
    return line(id, ts).kind(EventKind.LAMBDA_INIT).attribute(LogEvent.COLD_START, "true").build();
  }

  private static RequestLink link(String requestId, String trace, Long start, long ts) {
    return new RequestLink(
        requestId, trace, TraceIdFormat.XRAY, GROUP, STREAM, start, null, ts, ts + 1000);
  }

  /** The link of a message that held the REPORT of a cold start (its Init Duration). */
  private static RequestLink coldLink(
      String requestId, String trace, Long start, double initMs, long ts) {
    return new RequestLink(
        requestId, trace, TraceIdFormat.XRAY, GROUP, STREAM, start, initMs, ts, ts + 1000);
  }

  private void pipeUnkeyed(LogEvent e) {
    unkeyed.pipeInput(KEY, Json.writeEvent(e), e.timestamp());
  }

  private void pipeLink(RequestLink l) {
    links.pipeInput(l.streamKey(), Json.writeLink(l), l.timestamp());
  }

  private void pipeKeyed(LogEvent e) {
    events.pipeInput(e.traceId(), Json.writeEvent(e), e.timestamp());
  }

  // --- outputs -----------------------------------------------------------------------------------

  /** What the stitcher wrote to the events topic (and only that: piped input is not output). */
  private List<KeyValue<String, LogEvent>> stitched() {
    List<KeyValue<String, LogEvent>> out = new ArrayList<>();
    for (TestRecord<String, byte[]> r : eventsOut.readRecordsToList()) {
      LogEvent event = Json.readEvent(r.value());
      // marked as the writer's JSON, so that the trace correlator keeps it as it is
      assertThat(r.value()).isEqualTo(Json.writeEvent(event));
      assertThat(r.headers().lastHeader(Json.CANONICAL_EVENT_HEADER).value())
          .isEqualTo(Json.canonicalEventForm());
      out.add(KeyValue.pair(r.key(), event));
    }
    return out;
  }

  private List<Timeline> emitted() {
    return timelines.readValuesToList().stream().map(Json::readTimeline).toList();
  }

  private double counter(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  private double unresolved() {
    return registry.get("traceline.correlator.stitch.unresolved").counter().count();
  }

  private long entries(String store) {
    KeyValueStore<Object, Object> kv = driver.getKeyValueStore(store);
    long n = 0;
    try (KeyValueIterator<Object, Object> it = kv.all()) {
      while (it.hasNext()) {
        if (!"~clock".equals(it.next().key)) {
          n++;
        }
      }
    }
    return n;
  }

  // --- tests -------------------------------------------------------------------------------------

  @Test
  void anUnkeyedReportTakesTheTraceOfALinkFromAnotherShardAndJoinsTheTimeline() {
    // The invocation's app lines were keyed by the ingest instance that read them...
    pipeKeyed(
        event(TRACE, "start", T0, "checkout-api")
            .kind(EventKind.LAMBDA_START)
            .requestId(R1)
            .build());
    pipeKeyed(event(TRACE, "app", T0 + 10, "checkout-api").requestId(R1).build());
    // ...its REPORT, in the next message, by another one that could not know the trace.
    pipeUnkeyed(report("report", R1, T0 + 1040));
    assertThat(stitched()).isEmpty();
    assertThat(counter("traceline.correlator.stitch.events", "outcome", "pending")).isEqualTo(1);

    pipeLink(link(R1, TRACE, T0, T0 + 10));

    List<KeyValue<String, LogEvent>> out = stitched();
    assertThat(out)
        .singleElement()
        .satisfies(
            kv -> {
              assertThat(kv.key).isEqualTo(TRACE);
              assertThat(kv.value.id()).isEqualTo("report");
              assertThat(kv.value.traceId()).isEqualTo(TRACE);
              assertThat(kv.value.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY);
              assertThat(kv.value.attributes()).containsEntry("traceFrom", "correlator");
            });
    assertThat(counter("traceline.correlator.stitch.resolved", "by", "request-id")).isEqualTo(1);
    assertThat(entries(StoreNames.STITCH_PENDING)).isZero();

    driver.advanceWallClockTime(Duration.ofSeconds(10));
    List<Timeline> timelines = emitted();
    assertThat(timelines)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.traceId()).isEqualTo(TRACE);
              assertThat(t.eventCount()).isEqualTo(3);
              assertThat(t.hasFlag(FlagType.COLD_START)).isTrue();
              assertThat(t.hasFlag(FlagType.TIMEOUT)).isTrue();
            });
  }

  @Test
  void anEventArrivingAfterItsLinkIsResolvedAtOnce() {
    pipeLink(link(R1, TRACE, null, T0));
    pipeUnkeyed(line("app", T0 + 5).requestId(R1).build());

    assertThat(stitched()).extracting(kv -> kv.key).containsExactly(TRACE);
    assertThat(entries(StoreNames.STITCH_PENDING)).isZero();
  }

  @Test
  void aRequestLessInitLineTakesTheRequestOfTheNextStart() {
    pipeUnkeyed(init("init", T0));
    assertThat(stitched()).isEmpty();

    pipeLink(coldLink(R1, TRACE, T0 + 450, 449.31, T0 + 1500));

    assertThat(stitched())
        .singleElement()
        .satisfies(
            kv -> {
              assertThat(kv.key).isEqualTo(TRACE);
              assertThat(kv.value.requestId()).isEqualTo(R1);
              assertThat(kv.value.attributes())
                  .containsEntry("requestIdFrom", "next-start")
                  .containsEntry("traceFrom", "correlator");
            });
    assertThat(counter("traceline.correlator.stitch.resolved", "by", "next-start")).isEqualTo(1);
  }

  @Test
  void anInitLineWaitsForItsOwnStartNotALaterOne() {
    pipeUnkeyed(init("init", T0));
    // The first START after it has no trace yet (unkeyed); a later invocation's link arrives.
    pipeUnkeyed(line("start-1", T0 + 400).kind(EventKind.LAMBDA_START).requestId(R1).build());
    pipeLink(link(R2, Events.OTHER, T0 + 5000, T0 + 5000));
    assertThat(stitched()).isEmpty();

    // The START time came from the unkeyed START, the init phase from the REPORT's message.
    pipeLink(coldLink(R1, TRACE, null, 399.7, T0 + 1000));

    assertThat(stitched())
        .extracting(kv -> kv.value.id() + "@" + kv.key)
        .containsExactlyInAnyOrder("start-1@" + TRACE, "init@" + TRACE);
  }

  @Test
  void anInitLineArrivingAfterTheStartsLinkIsResolvedAtOnce() {
    pipeLink(coldLink(R1, TRACE, T0 + 450, 449.31, T0 + 1500));
    pipeUnkeyed(init("init", T0));

    assertThat(stitched()).extracting(kv -> kv.value.requestId()).containsExactly(R1);
  }

  /**
   * What the demo produced: the INIT_START of a new execution environment in one message; the
   * message with the environment's first START (R1) delivered after the next one, which holds R1's
   * END and REPORT and the START of the environment's second, warm invocation (R2). The first START
   * the stitcher knows after the INIT line is R2's: it must not take the line.
   */
  @Test
  void anInitLineIsNotGivenToALaterWarmStartWhoseMessageCameFirst() {
    pipeUnkeyed(init("init", T0));
    // The second message: R1's last app line, END and cold REPORT; R2's START, lines, REPORT.
    pipeLink(coldLink(R1, TRACE, null, 308.42, T0 + 415));
    pipeLink(link(R2, Events.OTHER, T0 + 421, T0 + 512));
    assertThat(stitched()).as("R2 is not the START after the init phase").isEmpty();

    pipeLink(link(R1, TRACE, T0 + 309, T0 + 336)); // the first message, late: R1's START

    assertThat(stitched())
        .singleElement()
        .satisfies(
            kv -> {
              assertThat(kv.key).isEqualTo(TRACE);
              assertThat(kv.value.id()).isEqualTo("init");
              assertThat(kv.value.requestId()).isEqualTo(R1);
            });
    assertThat(entries(StoreNames.STITCH_PENDING)).isZero();
  }

  @Test
  void anInitLineWaitsWhileTheFirstKnownStartIsNotAColdStart() {
    pipeUnkeyed(init("init", T0));
    pipeLink(link(R2, Events.OTHER, T0 + 421, T0 + 512)); // warm: no Init Duration
    driver.advanceWallClockTime(Duration.ofSeconds(21));

    assertThat(stitched()).isEmpty();
    assertThat(unresolved()).as("a missed join, never a wrong one").isEqualTo(1);
  }

  @Test
  void anInitLineOfAnEarlierInitPhaseDoesNotJoinALaterColdStart() {
    // INIT at T0 is R1's (START at T0 + 310); R1 crashed, the environment ran INIT again and R2
    // started cold at T0 + 2000. R1's START message has not arrived.
    pipeUnkeyed(init("init-1", T0));
    pipeUnkeyed(init("init-2", T0 + 1700));
    pipeLink(coldLink(R2, Events.OTHER, T0 + 2000, 299.5, T0 + 2100));

    assertThat(stitched())
        .extracting(kv -> kv.value.id() + "@" + kv.key)
        .containsExactly("init-2@" + Events.OTHER);

    pipeLink(coldLink(R1, TRACE, T0 + 310, 309.1, T0 + 400));

    assertThat(stitched())
        .extracting(kv -> kv.value.id() + "@" + kv.key)
        .containsExactly("init-1@" + TRACE);
  }

  @Test
  void theInitDurationOfAnUnkeyedReportCompletesTheLink() {
    pipeUnkeyed(init("init", T0));
    pipeLink(link(R1, TRACE, T0 + 413, T0 + 450)); // START and app lines: not known cold yet
    assertThat(stitched()).isEmpty();

    // The REPORT without XRAY, in a message that named no trace: it gives the Init Duration.
    pipeUnkeyed(report("report", R1, T0 + 1440));

    assertThat(stitched())
        .extracting(kv -> kv.value.id() + "@" + kv.key)
        .containsExactlyInAnyOrder("report@" + TRACE, "init@" + TRACE);
  }

  @Test
  void aPendingColdReportCompletesTheLinkThatResolvesIt() {
    pipeUnkeyed(init("init", T0));
    pipeUnkeyed(report("report", R1, T0 + 1440));
    pipeUnkeyed(line("start", T0 + 413).kind(EventKind.LAMBDA_START).requestId(R1).build());
    assertThat(stitched()).isEmpty();

    pipeLink(link(R1, TRACE, null, T0 + 450)); // app lines only

    assertThat(stitched())
        .extracting(kv -> kv.value.id() + "@" + kv.key)
        .containsExactlyInAnyOrder("report@" + TRACE, "start@" + TRACE, "init@" + TRACE);
    assertThat(entries(StoreNames.STITCH_PENDING)).isZero();
  }

  @Test
  void anEventWhoseLinkNeverComesExpiresCountedAndTheStateIsEmptied() {
    pipeUnkeyed(report("report", R1, T0));
    pipeUnkeyed(init("init", T0 + 1));
    pipeLink(link(R2, Events.OTHER, null, T0 + 2)); // another request's link expires too
    assertThat(entries(StoreNames.STITCH_EXPIRY)).isEqualTo(3);

    driver.advanceWallClockTime(Duration.ofSeconds(19));
    assertThat(unresolved()).isZero();
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    assertThat(unresolved()).isEqualTo(2);
    assertThat(entries(StoreNames.STITCH_PENDING)).isZero();
    assertThat(entries(StoreNames.STITCH_LINKS)).isZero();
    assertThat(entries(StoreNames.STITCH_STARTS)).isZero();
    assertThat(entries(StoreNames.STITCH_EXPIRY)).isZero();
    // A link that comes after the horizon finds nothing to resolve.
    pipeLink(link(R1, TRACE, null, T0 + 30_000));
    assertThat(stitched()).isEmpty();
  }

  @Test
  void expiryFollowsEventTimeInAReplayAtFullSpeed() {
    pipeUnkeyed(report("report", R1, T0));
    // No wall-clock time passes; later data moves the clock past the horizon.
    pipeUnkeyed(line("later", T0 + 25_000).requestId(R2).build());

    assertThat(unresolved()).isEqualTo(1);
  }

  @Test
  void aRefreshedLinkKeepsItsEntryUntilItsNewExpiry() {
    pipeLink(link(R1, TRACE, T0, T0));
    driver.advanceWallClockTime(Duration.ofSeconds(15));
    pipeLink(link(R1, TRACE, null, T0 + 15_000)); // the REPORT's message, 15 s later
    driver.advanceWallClockTime(Duration.ofSeconds(10)); // past the first expiry only

    pipeUnkeyed(line("late-line", T0 + 16_000).requestId(R1).build());

    assertThat(stitched()).extracting(kv -> kv.key).containsExactly(TRACE);
    assertThat(counter("traceline.correlator.stitch.links", "outcome", "refreshed")).isEqualTo(1);
  }

  @Test
  void duplicatesOfEventsAndLinksAreHarmless() {
    LogEvent r = report("report", R1, T0 + 1040);
    pipeUnkeyed(r);
    pipeUnkeyed(r);
    pipeLink(link(R1, TRACE, T0, T0 + 10));
    pipeLink(link(R1, TRACE, T0, T0 + 10));
    pipeUnkeyed(r); // redelivered after it was resolved: written again, a duplicate by id

    assertThat(stitched()).hasSize(2).extracting(kv -> kv.value.id()).containsOnly("report");
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted()).singleElement().satisfies(t -> assertThat(t.eventCount()).isEqualTo(1));
    assertThat(counter("traceline.correlator.events", "outcome", "duplicate")).isEqualTo(1);
  }

  @Test
  void theFirstLinkOfARequestWinsOverAConflictingOne() {
    pipeLink(link(R1, TRACE, null, T0));
    pipeLink(link(R1, Events.OTHER, null, T0 + 1));
    pipeUnkeyed(line("app", T0 + 2).requestId(R1).build());

    assertThat(stitched()).extracting(kv -> kv.key).containsExactly(TRACE);
    assertThat(counter("traceline.correlator.stitch.links", "outcome", "conflict")).isEqualTo(1);
  }

  @Test
  void linesWithoutARequestIdAndAccessLogsAreNotKept() {
    pipeUnkeyed(line("print", T0).build());
    pipeUnkeyed(line("access", T0).kind(EventKind.ACCESS_LOG).requestId("apigw-1").build());
    pipeUnkeyed(line("blank", T0).requestId(" ").build());

    assertThat(counter("traceline.correlator.stitch.events", "outcome", "unresolvable"))
        .isEqualTo(3);
    assertThat(entries(StoreNames.STITCH_PENDING)).isZero();
  }

  @Test
  void badRecordsGoToTheDlqWithTheirReason() {
    links.pipeInput(KEY, "{not json".getBytes(StandardCharsets.UTF_8), T0);
    pipeLink(link(R1, TRACE, null, T0));
    links.pipeInput("other|stream", Json.writeLink(link(R1, TRACE, null, T0)), T0);
    unkeyed.pipeInput(KEY, "[]".getBytes(StandardCharsets.UTF_8), T0);
    unkeyed.pipeInput("other|stream", Json.writeEvent(report("r", R1, T0)), T0);

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead)
        .extracting(r -> header(r, DeadLetters.REASON))
        .containsExactly("undecodable-link", "key-mismatch", "undecodable-event", "key-mismatch");
    assertThat(header(dead.get(0), DeadLetters.SOURCE)).isEqualTo(Topics.REQUEST_LINKS);
    assertThat(header(dead.get(2), DeadLetters.SOURCE)).isEqualTo(Topics.UNKEYED);
    assertThat(counter("traceline.correlator.dlq", "reason", "key-mismatch")).isEqualTo(2);
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
