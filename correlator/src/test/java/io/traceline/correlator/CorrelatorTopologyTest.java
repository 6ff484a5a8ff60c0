package io.traceline.correlator;

import static io.traceline.correlator.Events.OTHER;
import static io.traceline.correlator.Events.TRACE;
import static io.traceline.correlator.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.correlator.internals.StoreNames;
import io.traceline.model.DeadLetters;
import io.traceline.model.FlagType;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.TimelineStatus;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CorrelatorTopologyTest {

  private static final long T0 = 1_763_111_554_000L;
  private static final Instant WALL_START = Instant.ofEpochMilli(1_800_000_000_000L);
  private static final CorrelatorSettings SETTINGS =
      CorrelatorSettings.builder()
          .inactivityGap(Duration.ofSeconds(5))
          .maxTraceAge(Duration.ofSeconds(60))
          .grace(Duration.ofSeconds(30))
          .build();

  @TempDir Path stateDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> events;
  private TestOutputTopic<String, byte[]> timelines;
  private TestOutputTopic<String, byte[]> dlq;

  private void start(CorrelatorSettings settings) {
    start(settings, true);
  }

  private void start(CorrelatorSettings settings, boolean exactlyOnce) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "correlator-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("eos-" + exactlyOnce).toString());
    driver =
        new TopologyTestDriver(
            CorrelatorTopology.build(settings, registry, exactlyOnce), props, WALL_START);
    events =
        driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
    timelines =
        driver.createOutputTopic(
            Topics.TIMELINES, new StringDeserializer(), new ByteArrayDeserializer());
    dlq =
        driver.createOutputTopic(Topics.DLQ, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  /** As ingest writes an event: the writer's JSON, marked as such. */
  private void pipe(LogEvent e) {
    pipeCanonical(e.traceId(), Json.writeEvent(e), e.timestamp());
  }

  private void pipeCanonical(String key, byte[] json, long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(Json.CANONICAL_EVENT_HEADER, Json.canonicalEventForm());
    events.pipeInput(new TestRecord<>(key, json, headers, timestamp));
  }

  private List<Timeline> emitted() {
    List<Timeline> out = new ArrayList<>();
    for (byte[] value : timelines.readValuesToList()) {
      out.add(Json.readTimeline(value));
    }
    return out;
  }

  private double counter(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  /**
   * Renaming a node, store or topic loses state or breaks consumers: change the golden file on
   * purpose only.
   */
  @Test
  void topologyNamesAreFrozen() throws Exception {
    String golden;
    try (var in = getClass().getResourceAsStream("/topology.golden.txt")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(CorrelatorTopology.build(SETTINGS).describe().toString()).isEqualTo(golden);
  }

  @Test
  void closesATraceAfterTheInactivityGapOfEventTime() {
    start(SETTINGS);
    Events.slowQueryRequest(TRACE, T0).forEach(this::pipe);
    assertThat(timelines.isEmpty()).isTrue();
    // Another trace's events move the clock past the first trace's gap.
    pipe(event(OTHER, "o1", T0 + 1100 + 5_001, "x").build());
    List<Timeline> out = emitted();
    assertThat(out).hasSize(1);
    Timeline t = out.get(0);
    assertThat(t.traceId()).isEqualTo(TRACE);
    assertThat(t.revision()).isEqualTo(1);
    assertThat(t.status()).isEqualTo(TimelineStatus.COMPLETE);
    assertThat(t.eventCount()).isEqualTo(8);
    assertThat(t.services())
        .containsExactly("shop-api", "checkout-api", "inventory-svc", "shop-db");
    assertThat(t.bottleneck().service()).isEqualTo("shop-db");
    assertThat(t.flags()).isNotEmpty();
    for (FlagType type : FlagType.values()) {
      double onTimeline = t.flags().stream().filter(f -> f.type() == type).count();
      assertThat(counter("traceline.correlator.flags", "type", type.name()))
          .as("flags counted by type, every type: %s", type)
          .isEqualTo(onTimeline);
    }
  }

  @Test
  void aQuietPartitionStillClosesItsTracesByTheWallClock() {
    start(SETTINGS);
    Events.slowQueryRequest(TRACE, T0).forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(4));
    assertThat(timelines.isEmpty()).isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(3));
    assertThat(emitted()).extracting(Timeline::traceId).containsExactly(TRACE);
  }

  @Test
  void duplicateDeliveriesNeverChangeTheTimeline() {
    start(SETTINGS);
    List<LogEvent> request = Events.slowQueryRequest(TRACE, T0);
    request.forEach(this::pipe);
    request.forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    List<Timeline> out = emitted();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).eventCount()).isEqualTo(8);
    assertThat(out.get(0).events()).hasSize(8);
    assertThat(counter("traceline.correlator.events", "outcome", "duplicate")).isEqualTo(8);
    // A redelivery after the close does not re-open the trace either.
    pipe(request.get(3));
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(timelines.isEmpty()).isTrue();
  }

  @Test
  void anEventThatMovesTheClockPastItsOwnTracesGapReopensItAsLiveWould() {
    List<LogEvent> request = Events.slowQueryRequest(TRACE, T0);
    LogEvent late = event(TRACE, "late", T0 + 1100 + 6_000, "shop-api").build();

    start(SETTINGS);
    request.forEach(this::pipe);
    pipe(late); // replay: no wall-clock time passed, the late event itself moves the clock
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    List<Timeline> replay = emitted();
    driver.close();

    stateDir = stateDir.resolve("live");
    start(SETTINGS);
    request.forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(6)); // live: the gap passes, then it arrives
    pipe(late);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    List<Timeline> live = emitted();

    assertThat(replay)
        .extracting(Timeline::revision, Timeline::eventCount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, 8), org.assertj.core.groups.Tuple.tuple(2, 9));
    assertThat(live)
        .extracting(Timeline::revision, Timeline::eventCount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, 8), org.assertj.core.groups.Tuple.tuple(2, 9));
  }

  @Test
  void aLateEventWithinGraceEmitsTheNextRevisionWithEveryEvent() {
    start(SETTINGS);
    List<LogEvent> request = Events.slowQueryRequest(TRACE, T0);
    request.subList(1, request.size()).forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Timeline first = emitted().get(0);
    assertThat(first.revision()).isEqualTo(1);
    assertThat(first.services()).doesNotContain("shop-api");

    pipe(request.get(0)); // the access log arrives late
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    List<Timeline> out = emitted();
    assertThat(out).hasSize(1);
    Timeline second = out.get(0);
    assertThat(second.revision()).isEqualTo(2);
    assertThat(second.status()).isEqualTo(TimelineStatus.REVISED);
    assertThat(second.eventCount()).isEqualTo(8);
    assertThat(second.entry().service()).isEqualTo("shop-api");
  }

  @Test
  void stateIsPurgedAfterTheGraceHorizon() {
    start(SETTINGS);
    Events.slowQueryRequest(TRACE, T0).forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted()).hasSize(1);
    assertThat(storeSize(StoreNames.EVENTS)).isEqualTo(8);
    driver.advanceWallClockTime(Duration.ofSeconds(40));
    assertThat(storeSize(StoreNames.EVENTS)).isZero();
    assertThat(storeSize(StoreNames.META)).isEqualTo(2); // the tombstone and the saved clock
    driver.advanceWallClockTime(SETTINGS.tombstoneRetention().plusSeconds(1));
    assertThat(storeSize(StoreNames.META)).isEqualTo(1); // only the saved clock
    assertThat(storeSize(StoreNames.DEADLINES)).isZero();
  }

  @Test
  void anEventAfterThePurgeIsRoutedAsTooLateAndChangesNothing() {
    start(SETTINGS);
    List<LogEvent> request = Events.slowQueryRequest(TRACE, T0);
    request.forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted()).hasSize(1);
    driver.advanceWallClockTime(Duration.ofSeconds(40)); // past the grace: purged

    pipe(request.get(2)); // a redelivery, e.g. after a failed checkpoint upstream
    driver.advanceWallClockTime(Duration.ofSeconds(10));

    assertThat(timelines.isEmpty()).isTrue();
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("too-late");
    assertThat(header(dead.get(0), DeadLetters.PARTITION)).isEqualTo("0");
    assertThat(counter("traceline.correlator.events", "outcome", "too-late")).isEqualTo(1);
  }

  @Test
  void aMisKeyedEventIsRoutedToTheDlq() {
    start(SETTINGS);
    LogEvent e = Events.slowQueryRequest(TRACE, T0).get(0);
    events.pipeInput(OTHER, Json.writeEvent(e), e.timestamp());
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(timelines.isEmpty()).isTrue();
    assertThat(header(dlq.readRecordsToList().get(0), DeadLetters.REASON))
        .isEqualTo("key-mismatch");
  }

  @Test
  void anEventFromTheFarFutureDoesNotCloseOtherTraces() {
    start(SETTINGS.toBuilder().maxClockSkew(Duration.ofSeconds(1)).build());
    Events.slowQueryRequest(TRACE, T0).forEach(this::pipe);
    // A year ahead of the time it was ingested: a broken producer clock. It may move the clock
    // only to its ingestion time plus the skew (1 s), not close the other trace.
    long future = T0 + Duration.ofDays(365).toMillis();
    pipe(event(OTHER, "f1", future, "broken-clock").ingestedAt(T0 + 1_200).build());
    assertThat(timelines.isEmpty()).isTrue();
    assertThat(registry.get("traceline.correlator.clock.future.events").counter().count())
        .isEqualTo(1);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    // Both close by the gap: the future event's trace too, its arrival stamped with the clock.
    assertThat(emitted()).extracting(Timeline::traceId).containsExactlyInAnyOrder(TRACE, OTHER);
  }

  @Test
  void aTraceReopenedAfterItsMaximumAgeIsRevisedNotTimedOut() {
    start(SETTINGS.toBuilder().maxTraceAge(Duration.ofSeconds(20)).build());
    List<LogEvent> request = Events.slowQueryRequest(TRACE, T0);
    request.subList(1, request.size()).forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(25)); // closed by the gap; older than 20 s now
    assertThat(emitted()).extracting(Timeline::status).containsExactly(TimelineStatus.COMPLETE);
    pipe(request.get(0)); // late, within the grace period
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    List<Timeline> out = emitted();
    assertThat(out).extracting(Timeline::revision).containsExactly(2);
    assertThat(out).extracting(Timeline::status).containsExactly(TimelineStatus.REVISED);
  }

  @Test
  void theClockNeverGoesBackwards() {
    start(SETTINGS);
    pipe(event(TRACE, "a", T0, "svc").build());
    driver.advanceWallClockTime(Duration.ofSeconds(4)); // the clock is at T0 + 4 s
    // An event of another trace that happened at T0 + 1 s arrives late: the clock stays.
    pipe(event(OTHER, "b", T0 + 1_000, "svc").build());
    driver.advanceWallClockTime(Duration.ofMillis(1_500)); // T0 + 5.5 s: the first trace is due
    assertThat(emitted()).extracting(Timeline::traceId).containsExactly(TRACE);
  }

  @Test
  void redeliveriesBeyondTheBoundsAreStillRecognised() {
    start(SETTINGS.toBuilder().maxEventsPerTrace(3).build());
    List<LogEvent> request = Events.slowQueryRequest(TRACE, T0);
    request.forEach(this::pipe);
    request.forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Timeline t = emitted().get(0);
    // 3 stored + 3 remembered by id + 2 only counted, each of those 2 counted again when
    // redelivered
    assertThat(t.eventCount()).isEqualTo(10);
    assertThat(t.events()).hasSize(3);
    assertThat(counter("traceline.correlator.events", "outcome", "duplicate")).isEqualTo(6);
  }

  private long storeSize(String name) {
    KeyValueStore<String, byte[]> store = driver.getKeyValueStore(name);
    long n = 0;
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void eventsBeyondTheBoundsAreCountedAndTheTimelineTruncated() {
    start(SETTINGS.toBuilder().maxEventsPerTrace(3).build());
    Events.slowQueryRequest(TRACE, T0).forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Timeline t = emitted().get(0);
    assertThat(t.status()).isEqualTo(TimelineStatus.TRUNCATED);
    assertThat(t.eventCount()).isEqualTo(8);
    assertThat(t.events()).hasSize(3);
    assertThat(t.hasFlag(FlagType.INCOMPLETE)).isTrue();
    assertThat(counter("traceline.correlator.events", "outcome", "beyond-bounds")).isEqualTo(5);
  }

  @Test
  void aTraceThatNeverGoesQuietClosesAtItsMaximumAge() {
    start(SETTINGS.toBuilder().maxTraceAge(Duration.ofSeconds(20)).build());
    for (int i = 0; i < 10; i++) {
      pipe(event(TRACE, "e" + i, T0 + i * 3_000L, "chatty").build());
    }
    List<Timeline> out = emitted();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).status()).isEqualTo(TimelineStatus.TIMED_OUT);
    assertThat(out.get(0).hasFlag(FlagType.INCOMPLETE)).isTrue();
  }

  @Test
  void undecodableAndUnkeyedRecordsGoToTheDlqWithTheirReason() {
    start(SETTINGS);
    events.pipeInput(TRACE, "{not json".getBytes(StandardCharsets.UTF_8), T0);
    LogEvent unkeyed = event(null, "u1", T0, "svc").build();
    events.pipeInput(null, Json.writeEvent(unkeyed), T0);
    Events.slowQueryRequest(TRACE, T0).forEach(this::pipe);
    driver.advanceWallClockTime(Duration.ofSeconds(10));

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(2);
    assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("undecodable-event");
    assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    assertThat(header(dead.get(1), DeadLetters.REASON)).isEqualTo("unkeyed-event");
    assertThat(header(dead.get(1), DeadLetters.STAGE)).isEqualTo("correlator");
    assertThat(counter("traceline.correlator.dlq", "reason", "undecodable-event")).isEqualTo(1);
    // The pipeline went on.
    assertThat(emitted()).hasSize(1);
  }

  /**
   * Exactly-once caches trace-meta, at-least-once does not: the same input gives the same
   * timelines, revisions and dead letters either way.
   */
  @Test
  void theAtLeastOnceTopologyEmitsWhatTheExactlyOnceOneDoes() {
    List<List<String>> outputs = new ArrayList<>();
    for (boolean exactlyOnce : new boolean[] {true, false}) {
      start(SETTINGS, exactlyOnce);
      Events.slowQueryRequest(TRACE, T0).forEach(this::pipe);
      Events.slowQueryRequest(OTHER, T0 + 100).forEach(this::pipe);
      pipe(event(TRACE, Events.slowQueryRequest(TRACE, T0).get(0).id(), T0, "dup").build());
      driver.advanceWallClockTime(Duration.ofSeconds(10));
      pipe(event(TRACE, "late", T0 + 8_000, "svc").build());
      driver.advanceWallClockTime(Duration.ofSeconds(10));
      List<String> out = new ArrayList<>();
      timelines.readValuesToList().forEach(v -> out.add(new String(v, StandardCharsets.UTF_8)));
      out.add("dlq " + dlq.readRecordsToList().size());
      outputs.add(out);
      driver.close();
      driver = null;
    }
    assertThat(outputs.get(0)).hasSize(4); // two timelines, a revision, no dead letter
    assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
  }

  /** An event with an unknown kind: its header reads, the whole event does not. */
  private static byte[] brokenEvent() {
    String json =
        new String(
                Json.writeEvent(event(TRACE, "bad", T0 + 5, "svc").build()), StandardCharsets.UTF_8)
            .replace("\"kind\":\"APP\"", "\"kind\":\"NO_SUCH_KIND\"");
    assertThat(json).contains("NO_SUCH_KIND");
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEventMarkedAsWrittenIsReadInFullOnlyWhenItsTraceClosesAndThenMayGoToTheDlq() {
    start(SETTINGS);
    List<LogEvent> request = Events.slowQueryRequest(TRACE, T0);
    request.forEach(this::pipe);
    byte[] broken = brokenEvent();
    pipeCanonical(TRACE, broken, T0);
    assertThat(dlq.readRecordsToList()).isEmpty(); // the header is fine: kept for now

    driver.advanceWallClockTime(Duration.ofSeconds(10));

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("undecodable-stored-event");
    assertThat(dead.get(0).value()).isEqualTo(broken);
    List<Timeline> out = emitted();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).events()).hasSize(request.size());

    // A late event re-opens the trace: the broken one does not go to the DLQ a second time.
    pipe(event(TRACE, "late", T0 + 9_000, "svc").build());
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(dlq.readRecordsToList()).isEmpty();
    List<Timeline> revised = emitted();
    assertThat(revised).hasSize(1);
    assertThat(revised.get(0).revision()).isEqualTo(2);
    assertThat(revised.get(0).events()).hasSize(request.size() + 1);
  }

  @Test
  void aTraceOfUndecodableEventsOnlyEmitsNothingAndUsesNoRevision() {
    start(SETTINGS);
    byte[] broken = brokenEvent();
    pipeCanonical(TRACE, broken, T0);

    driver.advanceWallClockTime(Duration.ofSeconds(10));

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead)
        .extracting(r -> header(r, DeadLetters.REASON))
        .containsExactly("undecodable-stored-event");
    assertThat(header(dead.get(0), DeadLetters.PARTITION)).isNull();
    assertThat(header(dead.get(0), DeadLetters.DETAIL)).contains("NO_SUCH_KIND");
    assertThat(emitted()).isEmpty();

    pipe(event(TRACE, "good", T0 + 1_000, "svc").build());
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    List<Timeline> out = emitted();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).revision()).isEqualTo(1);
    assertThat(dlq.readRecordsToList()).isEmpty();
  }

  @Test
  void anUnmarkedEventIsReadInFullOnArrival() {
    start(SETTINGS);
    byte[] broken = brokenEvent();
    events.pipeInput(TRACE, broken, T0);

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("undecodable-event");
    assertThat(dead.get(0).value()).isEqualTo(broken);
  }

  /**
   * Events marked as the writer's JSON are copied into the timeline, others written again: the same
   * events give the same timeline either way, and an unmarked event comes out as decoding bounds
   * and normalises it.
   */
  @Test
  void markedAndUnmarkedEventsGiveTheSameTimeline() {
    start(SETTINGS);
    List<LogEvent> request = Events.slowQueryRequest(TRACE, T0);
    request.forEach(this::pipe);
    for (LogEvent e : Events.slowQueryRequest(OTHER, T0)) {
      events.pipeInput(OTHER, Json.writeEvent(e), e.timestamp());
    }
    String loose =
        "{\"id\":\"loose\",\"timestamp\":"
            + (T0 + 7)
            + ",\"traceId\":\""
            + OTHER
            + "\",\"kind\":\"APP\",\"level\":\"warning\",\"service\":\" \",\"extra\":1}";
    events.pipeInput(OTHER, loose.getBytes(StandardCharsets.UTF_8), T0);
    LogEvent normalised = Json.readEvent(loose.getBytes(StandardCharsets.UTF_8));
    pipe(normalised.toBuilder().trace(TRACE, normalised.traceIdFormat()).build());

    driver.advanceWallClockTime(Duration.ofSeconds(10));

    List<byte[]> out = timelines.readValuesToList();
    assertThat(out).hasSize(2);
    String marked = new String(out.get(0), StandardCharsets.UTF_8);
    String unmarked = new String(out.get(1), StandardCharsets.UTF_8);
    assertThat(marked).contains(TRACE).doesNotContain(OTHER);
    assertThat(unmarked.replace(OTHER, TRACE)).isEqualTo(marked);
    LogEvent loosened =
        Json.readTimeline(out.get(1)).events().stream()
            .filter(e -> e.id().equals("loose"))
            .findFirst()
            .orElseThrow();
    assertThat(loosened.level()).isEqualTo("WARN");
    assertThat(loosened.service()).isEqualTo("unknown");
    assertThat(unmarked).doesNotContain("extra").doesNotContain("warning");
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void replayAtFullSpeedGivesTheSameTimelinesAsLive() {
    // CloudWatch delivers each log group with its own lag: events reach Kafka out of time order.
    Map<String, Long> lag =
        Map.of(
            "shop-api", 3_000L, "checkout-api", 800L, "inventory-svc", 1_500L, "shop-db", 2_500L);
    List<LogEvent> workload = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String trace = String.format("%032x", 0xabc000L + i);
      workload.addAll(Events.slowQueryRequest(trace, T0 + i * 2_000L));
    }
    // One host's clock runs four minutes ahead: its line arrives with the others.
    String skewed = String.format("%032x", 0xabc000L + 3);
    long skewedArrival = T0 + 3 * 2_000L + 1_800;
    workload.add(
        event(skewed, "skewed", T0 + 240_000, "clock-ahead").ingestedAt(skewedArrival).build());
    java.util.IdentityHashMap<LogEvent, Long> arrival = new java.util.IdentityHashMap<>();
    for (LogEvent e : workload) {
      arrival.put(
          e,
          e.service().equals("clock-ahead") ? skewedArrival : e.timestamp() + lag.get(e.service()));
    }
    workload.sort(java.util.Comparator.comparingLong(arrival::get));

    start(SETTINGS);
    long last = arrival.get(workload.get(0));
    for (LogEvent e : workload) { // live: the wall clock moves as the events arrive
      driver.advanceWallClockTime(Duration.ofMillis(arrival.get(e) - last));
      last = arrival.get(e);
      pipe(e);
    }
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    List<Timeline> live = emitted();
    driver.close();

    stateDir = stateDir.resolve("replay");
    start(SETTINGS);
    workload.forEach(this::pipe); // replay: the same order, no wall-clock time passes
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    List<Timeline> replay = emitted();

    assertThat(live)
        .allSatisfy(
            t -> {
              assertThat(t.revision()).isEqualTo(1);
              assertThat(t.eventCount()).isEqualTo(t.traceId().equals(skewed) ? 9 : 8);
            });
    assertThat(live).hasSize(20);
    assertThat(replay).containsExactlyInAnyOrderElementsOf(live);
  }

  private static final String THIRD = "6916f29e1b2c3d4e5f60718293a4b5c6";
  private static final String FOURTH = "6916f29f0a1b2c3d4e5f60718293a4b5";
  private static final String FIFTH = "6916f2a00a1b2c3d4e5f60718293a4b5";

  private double openTraces() {
    return registry.get("traceline.correlator.open.traces").tag("task", "0_0").gauge().value();
  }

  private void openOneEventTraces(long at, String... traces) {
    for (String trace : traces) {
      pipe(event(trace, trace + "-" + at, at, "api").build());
    }
  }

  @Test
  void theOpenTracesGaugeCountsTheTracesCollectingEvents() {
    start(SETTINGS);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(openTraces()).isZero();

    openOneEventTraces(T0, TRACE, OTHER, THIRD);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(openTraces()).isEqualTo(3);

    driver.advanceWallClockTime(Duration.ofSeconds(5)); // past the gap
    assertThat(emitted()).hasSize(3);
    assertThat(openTraces()).isZero();

    openOneEventTraces(T0 + 6_000, TRACE); // a late event re-opens its trace
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(openTraces()).isEqualTo(1);
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    assertThat(emitted()).extracting(Timeline::revision).containsExactly(2);
    assertThat(openTraces()).isZero();

    driver.close();
    driver = null;
    assertThat(registry.find("traceline.correlator.open.traces").gauges())
        .as("removed with its task")
        .isEmpty();
  }

  @Test
  void theOpenTracesGaugeIsCountedFromTheStoresAfterARestore() {
    start(SETTINGS);
    openOneEventTraces(T0, FOURTH);
    driver.advanceWallClockTime(Duration.ofSeconds(6)); // closed: kept for grace, not open
    assertThat(emitted()).hasSize(1);
    openOneEventTraces(T0 + 6_000, TRACE, OTHER, THIRD);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(openTraces()).isEqualTo(3);
    Map<String, List<TestRecord<byte[], byte[]>>> changelogs = new java.util.HashMap<>();
    for (String store : List.of(StoreNames.EVENTS, StoreNames.META, StoreNames.DEADLINES)) {
      changelogs.put(
          store,
          driver
              .createOutputTopic(
                  "correlator-test-" + store + "-changelog",
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .readRecordsToList());
    }
    driver.close();

    // A restart on an empty disk: the stores are restored from their changelogs; nothing of the
    // count is carried over on the heap.
    stateDir = stateDir.resolve("restored");
    start(SETTINGS);
    KeyValueStore<String, byte[]> events = driver.getKeyValueStore(StoreNames.EVENTS);
    KeyValueStore<String, byte[]> meta = driver.getKeyValueStore(StoreNames.META);
    KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> deadlines =
        driver.getKeyValueStore(StoreNames.DEADLINES);
    for (TestRecord<byte[], byte[]> r : changelogs.get(StoreNames.EVENTS)) {
      events.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
    }
    for (TestRecord<byte[], byte[]> r : changelogs.get(StoreNames.META)) {
      meta.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
    }
    for (TestRecord<byte[], byte[]> r : changelogs.get(StoreNames.DEADLINES)) {
      deadlines.put(org.apache.kafka.common.utils.Bytes.wrap(r.key()), r.value());
    }
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(openTraces()).isEqualTo(3);

    // An event past the restored traces' gap closes them and opens its own trace.
    openOneEventTraces(T0 + 12_000, FIFTH);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(emitted())
        .extracting(Timeline::traceId)
        .containsExactlyInAnyOrder(TRACE, OTHER, THIRD);
    assertThat(openTraces()).isEqualTo(1);
  }
}
