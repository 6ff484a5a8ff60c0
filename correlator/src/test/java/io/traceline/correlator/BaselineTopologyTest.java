package io.traceline.correlator;

import static io.traceline.correlator.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.correlator.baseline.RouteStats;
import io.traceline.correlator.internals.StoreNames;
import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
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

/**
 * Learned baselines on {@code TopologyTestDriver} with real RocksDB stores: requests of one route
 * ({@code api POST /orders -> orders reserve -> db UPDATE}) two seconds apart, 1 minute buckets, a
 * 10 minute window.
 */
@Timeout(120)
class BaselineTopologyTest {

  private static final String APP_ID = "baseline-test";
  private static final long T0 = 1_763_111_554_000L;
  private static final Instant WALL_START = Instant.ofEpochMilli(1_800_000_000_000L);
  private static final Set<FlagType> LEARNED =
      EnumSet.of(FlagType.LATENCY_OUTLIER, FlagType.SEGMENT_OUTLIER, FlagType.MISSING_HOP);
  private static final CorrelatorSettings SETTINGS =
      CorrelatorSettings.builder()
          .inactivityGap(Duration.ofSeconds(5))
          .maxTraceAge(Duration.ofSeconds(60))
          .grace(Duration.ofSeconds(30))
          .baselineBucket(Duration.ofMinutes(1))
          .baselineWindow(Duration.ofMinutes(10))
          .build();

  @TempDir Path stateDir;
  private SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> events;
  private TestOutputTopic<String, byte[]> timelines;

  private void start(CorrelatorSettings settings, String dir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(dir).toString());
    driver =
        new TopologyTestDriver(CorrelatorTopology.build(settings, registry), props, WALL_START);
    events =
        driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
    timelines =
        driver.createOutputTopic(
            Topics.TIMELINES, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private static String trace(int i) {
    return String.format("%032x", 0xba5e000L + i);
  }

  /**
   * Request {@code i}, starting {@code 2 i} seconds after T0: the api's access log, two lines of
   * orders around a statement on db taking {@code dbMs} (none when null).
   */
  private static List<LogEvent> request(int i, Long dbMs) {
    return request(trace(i), T0 + i * 2_000L, dbMs);
  }

  private static List<LogEvent> request(String id, long t0, Long dbMs) {
    long db = dbMs == null ? 0 : dbMs;
    List<LogEvent> request = new ArrayList<>();
    request.add(
        event(id, id + "-1", t0, "api")
            .kind(EventKind.ACCESS_LOG)
            .operation("POST /orders")
            .durationMs(20.0 + db)
            .status("200")
            .build());
    request.add(event(id, id + "-2", t0 + 5, "orders").operation("reserve").build());
    if (dbMs != null) {
      request.add(
          event(id, id + "-3", t0 + 10 + db, "db")
              .kind(EventKind.DB_SLOW_QUERY)
              .operation("UPDATE")
              .durationMs((double) db)
              .build());
    }
    request.add(event(id, id + "-4", t0 + 15 + db, "orders").operation("reserve").build());
    return request;
  }

  /** Requests {@code from} to {@code to} (exclusive): db 20-40 ms, except those listed. */
  private static List<LogEvent> workload(int from, int to, Map<Integer, Long> special) {
    Random random = new Random(from);
    List<LogEvent> all = new ArrayList<>();
    for (int i = from; i < to; i++) {
      long normal = 20L + random.nextInt(21);
      all.addAll(request(i, special.containsKey(i) ? special.get(i) : (Long) normal));
    }
    return all;
  }

  private void pipe(List<LogEvent> workload) {
    for (LogEvent e : workload) {
      events.pipeInput(e.traceId(), Json.writeEvent(e), e.timestamp());
    }
  }

  /** Emitted timelines by trace id (the last revision of each). */
  private Map<String, Timeline> emitted() {
    Map<String, Timeline> out = new TreeMap<>();
    for (byte[] value : timelines.readValuesToList()) {
      Timeline t = Json.readTimeline(value);
      out.put(t.traceId(), t);
    }
    return out;
  }

  private static List<Flag> learnedFlags(Timeline t) {
    return t.flags().stream().filter(f -> LEARNED.contains(f.type())).toList();
  }

  private double counter(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  private double gauge(String name) {
    return registry.get(name).tag("task", "0_0").gauge().value();
  }

  @Test
  void slowAndIncompleteRequestsAreFlaggedAgainstTheLearnedBaselineButNothingBeforeIt() {
    start(SETTINGS, "flags");
    Map<Integer, Long> special = new LinkedHashMap<>();
    special.put(10, 400L); // slow before the baseline has 50 values
    special.put(500, 400L); // slow
    special.put(520, null); // without its db call
    pipe(workload(0, 600, special));
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Map<String, Timeline> out = emitted();
    assertThat(out).hasSize(600);

    assertThat(learnedFlags(out.get(trace(10)))).isEmpty();
    List<Flag> slow = learnedFlags(out.get(trace(500)));
    assertThat(slow)
        .extracting(Flag::type)
        .containsExactly(FlagType.LATENCY_OUTLIER, FlagType.SEGMENT_OUTLIER);
    assertThat(slow.get(0).service()).isEqualTo("api");
    assertThat(slow.get(0).operation()).isEqualTo("POST /orders");
    assertThat(slow.get(0).observed()).isEqualTo(420.0);
    Flag db = slow.get(1);
    assertThat(db.service()).isEqualTo("db");
    assertThat(db.operation()).isEqualTo("UPDATE");
    assertThat(db.observed()).isEqualTo(400.0);
    assertThat(db.threshold()).isBetween(38.0, 41.0); // p99 of 20-40 ms, within 1%
    assertThat(db.quantile()).isEqualTo(0.99);
    assertThat(db.ratio()).isGreaterThan(9.0);
    assertThat(db.reason()).startsWith("db UPDATE took 400 ms of its own time, p99 of the last");
    List<Flag> missing = learnedFlags(out.get(trace(520)));
    assertThat(missing).extracting(Flag::type).containsExactly(FlagType.MISSING_HOP);
    assertThat(missing.get(0).service()).isEqualTo("db");
    // Every other request is normal.
    assertThat(out.values().stream().filter(t -> !learnedFlags(t).isEmpty()))
        .extracting(Timeline::traceId)
        .containsExactlyInAnyOrder(trace(500), trace(520));

    assertThat(counter("traceline.correlator.flags", "type", "SEGMENT_OUTLIER")).isEqualTo(1);
    assertThat(counter("traceline.correlator.flags", "type", "MISSING_HOP")).isEqualTo(1);
    assertThat(gauge("traceline.correlator.baseline.routes")).isEqualTo(1);
    assertThat(gauge("traceline.correlator.baseline.hops")).isEqualTo(3);
  }

  @Test
  void theBaselineSurvivesARestartBecauseTheStoreIsTheTruth() {
    Map<Integer, Long> special = new LinkedHashMap<>();
    special.put(405, 300L);
    special.put(420, 500L);
    special.put(430, null);
    List<LogEvent> learning = workload(0, 400, Map.of());
    List<LogEvent> compared = workload(400, 450, special);

    // Uninterrupted.
    start(SETTINGS, "uninterrupted");
    pipe(learning);
    pipe(compared);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Map<String, List<Flag>> uninterrupted = flagsOf(emitted(), 400, 450);
    driver.close();

    // Stopped after learning; a new instance restores the baselines from their changelog, as a
    // restart on an empty disk does, with nothing carried over on the heap.
    registry = new SimpleMeterRegistry();
    start(SETTINGS, "before-restart");
    pipe(learning);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted()).hasSize(400);
    List<TestRecord<Bytes, byte[]>> changelog =
        driver
            .createOutputTopic(
                APP_ID + "-" + StoreNames.BASELINES + "-changelog",
                new BytesDeserializer(),
                new ByteArrayDeserializer())
            .readRecordsToList();
    driver.close();
    registry = new SimpleMeterRegistry();
    start(SETTINGS, "after-restart");
    KeyValueStore<Bytes, byte[]> restored = driver.getKeyValueStore(StoreNames.BASELINES);
    for (TestRecord<Bytes, byte[]> r : changelog) {
      if (r.value() == null) {
        restored.delete(r.key());
      } else {
        restored.put(r.key(), r.value());
      }
    }
    pipe(compared);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Map<String, List<Flag>> restarted = flagsOf(emitted(), 400, 450);
    assertThat(gauge("traceline.correlator.baseline.routes")).isEqualTo(1);
    driver.close();

    // Without the restored store nothing is known.
    registry = new SimpleMeterRegistry();
    start(SETTINGS, "empty");
    pipe(compared);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Map<String, List<Flag>> empty = flagsOf(emitted(), 400, 450);

    assertThat(restarted).isEqualTo(uninterrupted);
    assertThat(restarted.get(trace(405))).extracting(Flag::type).contains(FlagType.SEGMENT_OUTLIER);
    assertThat(restarted.get(trace(420))).extracting(Flag::type).contains(FlagType.LATENCY_OUTLIER);
    assertThat(restarted.get(trace(430))).extracting(Flag::type).contains(FlagType.MISSING_HOP);
    assertThat(empty.values()).allSatisfy(flags -> assertThat(flags).isEmpty());
  }

  private static Map<String, List<Flag>> flagsOf(Map<String, Timeline> out, int from, int to) {
    Map<String, List<Flag>> flags = new TreeMap<>();
    for (int i = from; i < to; i++) {
      flags.put(trace(i), learnedFlags(out.get(trace(i))));
    }
    return flags;
  }

  @Test
  void replayAtFullSpeedFlagsTheSameRequestsAsLive() {
    Map<String, Long> lag = Map.of("api", 3_000L, "orders", 800L, "db", 2_500L);
    Map<Integer, Long> special = new LinkedHashMap<>();
    for (int i = 150; i < 400; i += 23) {
      special.put(i, 300L + i);
    }
    special.put(333, null);
    List<LogEvent> workload = workload(0, 400, special);
    IdentityHashMap<LogEvent, Long> arrival = new IdentityHashMap<>();
    for (LogEvent e : workload) {
      arrival.put(e, e.timestamp() + lag.get(e.service()));
    }
    workload.sort(Comparator.comparingLong(arrival::get));

    start(SETTINGS, "live");
    long last = arrival.get(workload.get(0));
    for (LogEvent e : workload) { // live: the wall clock moves as the events arrive
      driver.advanceWallClockTime(Duration.ofMillis(arrival.get(e) - last));
      last = arrival.get(e);
      events.pipeInput(e.traceId(), Json.writeEvent(e), e.timestamp());
    }
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Map<String, Timeline> live = emitted();
    driver.close();

    start(SETTINGS, "replay");
    pipe(workload); // replay: the same order, no wall-clock time passes
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Map<String, Timeline> replay = emitted();

    assertThat(live).hasSize(400);
    assertThat(replay).isEqualTo(live);
    List<FlagType> flagged =
        live.values().stream().flatMap(t -> learnedFlags(t).stream()).map(Flag::type).toList();
    assertThat(flagged)
        .contains(FlagType.LATENCY_OUTLIER, FlagType.SEGMENT_OUTLIER, FlagType.MISSING_HOP);
  }

  /**
   * Two requests arrive after another trace's line has moved the clock past them, the slow one 100
   * ms after the fast one. Live, the wall clock orders their closes (the fast one first); in replay
   * both are due at the same instant and close in trace id order (the slow one first). With 49
   * requests learned before them, whether the slow one is compared with 49 or 50 values must not
   * depend on that.
   */
  @Test
  void theOrderInWhichNearlySimultaneousRequestsCloseDoesNotChangeTheirFlags() {
    List<LogEvent> learned = workload(0, 49, Map.of());
    String fast = trace(150);
    String slow = trace(149); // sorts first
    List<LogEvent> fastRequest = request(fast, T0 + 300_000, 30L); // ends at 300.045 s
    List<LogEvent> slowRequest = request(slow, T0 + 299_000, 400L); // ends at 299.415 s
    List<List<String>> closeOrders = new ArrayList<>();
    List<Map<String, List<Flag>>> flags = new ArrayList<>();
    for (boolean live : new boolean[] {true, false}) {
      start(SETTINGS, live ? "live" : "replay");
      pipe(learned);
      driver.advanceWallClockTime(Duration.ofSeconds(10));
      assertThat(emitted()).hasSize(49);
      pipe(List.of(event(trace(151), "pacer", T0 + 300_500, "cron").build()));
      pipe(fastRequest);
      if (live) {
        driver.advanceWallClockTime(Duration.ofMillis(100));
      }
      pipe(slowRequest);
      driver.advanceWallClockTime(Duration.ofSeconds(10));
      List<String> order = new ArrayList<>();
      Map<String, List<Flag>> byTrace = new TreeMap<>();
      for (byte[] value : timelines.readValuesToList()) {
        Timeline t = Json.readTimeline(value);
        if (!t.traceId().equals(trace(151))) {
          order.add(t.traceId());
        }
        byTrace.put(t.traceId(), learnedFlags(t));
      }
      closeOrders.add(order);
      flags.add(byTrace);
      driver.close();
      driver = null;
    }

    assertThat(closeOrders.get(0)).containsExactly(fast, slow);
    assertThat(closeOrders.get(1)).containsExactly(slow, fast);
    assertThat(flags.get(1)).isEqualTo(flags.get(0));
  }

  @Test
  void bucketsAreDeletedOnceTheClockHasLeftThemBehind() {
    start(SETTINGS, "expiry");
    pipe(workload(0, 90, Map.of())); // 3 minutes of requests
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted()).hasSize(90);
    long buckets = Math.floorDiv(T0 + 89 * 2_000L, 60_000) - Math.floorDiv(T0, 60_000) + 1;
    // Per bucket its stats and its expiry index entry; one registry entry for the route.
    assertThat(storeEntries()).hasSize((int) (buckets * 2 + 1));

    // window 10 min + settle 65 s + maxTraceAge 60 s + grace 30 s after the last bucket's end
    driver.advanceWallClockTime(Duration.ofMinutes(13));
    assertThat(storeEntries())
        .as("nothing expires before a timeline closes")
        .hasSize((int) (buckets * 2 + 1));
    pipe(request(90 + 16 * 30, 30L)); // 16 minutes later
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted()).hasSize(1);

    // Only what the last request taught is left.
    List<KeyValue<Bytes, byte[]>> left = storeEntries();
    assertThat(left).hasSize(3);
    long traces =
        left.stream()
            .filter(kv -> kv.key.get()[0] == 'b')
            .mapToLong(kv -> RouteStats.fromBytes(kv.value).traces())
            .sum();
    assertThat(traces).isEqualTo(1);
    assertThat(gauge("traceline.correlator.baseline.routes")).isEqualTo(1);
    assertThat(gauge("traceline.correlator.baseline.hops")).isEqualTo(3);
  }

  @Test
  void anUndecodableStoredBaselineIsCountedAndReplacedNeverThrown() {
    start(SETTINGS, "undecodable");
    pipe(workload(0, 200, Map.of()));
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted()).hasSize(200);
    KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(StoreNames.BASELINES);
    int corrupted = 0;
    for (KeyValue<Bytes, byte[]> kv : storeEntries()) {
      if (kv.key.get()[0] == 'b') {
        store.put(kv.key, "written by a broken version".getBytes(StandardCharsets.UTF_8));
        corrupted++;
      }
    }
    assertThat(corrupted).isGreaterThanOrEqualTo(7); // 400 s of requests in 1 minute buckets

    pipe(workload(200, 260, Map.of(240, 500L)));
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    Map<String, Timeline> out = emitted();

    assertThat(out).hasSize(60); // nothing lost
    // Each broken bucket is counted once: deleted when a window reads it, or replaced when a
    // request is learned into it.
    assertThat(counter("traceline.correlator.baseline.dropped", "reason", "undecodable"))
        .isEqualTo(corrupted);
    assertThat(learnedFlags(out.get(trace(240)))).isEmpty(); // what was learned is gone
    for (KeyValue<Bytes, byte[]> kv : storeEntries()) {
      if (kv.key.get()[0] == 'b') {
        assertThat(RouteStats.fromBytes(kv.value).traces()).isPositive(); // replaced, readable
      }
    }
  }

  @Test
  void routesBeyondTheBoundAreCountedNotLearnedAndRevisionsAreNotLearnedAgain() {
    start(SETTINGS.toBuilder().maxBaselineRoutes(1).build(), "bounds");
    pipe(workload(0, 10, Map.of()));
    String other = trace(999);
    pipe(List.of(event(other, "o1", T0 + 20_000, "cron").operation("nightly").build()));
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted()).hasSize(11);
    assertThat(counter("traceline.correlator.baseline.dropped", "reason", "too-many-routes"))
        .isEqualTo(1);
    assertThat(learnedTraces()).isEqualTo(10);

    // A late event re-opens a request: its revision 2 is compared but not learned again.
    pipe(List.of(event(trace(5), "late", T0 + 10_010, "orders").operation("reserve").build()));
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertThat(emitted().get(trace(5)).revision()).isEqualTo(2);
    assertThat(learnedTraces()).isEqualTo(10);
    assertThat(gauge("traceline.correlator.baseline.routes")).isEqualTo(1);
  }

  private long learnedTraces() {
    return storeEntries().stream()
        .filter(kv -> kv.key.get()[0] == 'b')
        .mapToLong(kv -> RouteStats.fromBytes(kv.value).traces())
        .sum();
  }

  private List<KeyValue<Bytes, byte[]>> storeEntries() {
    KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(StoreNames.BASELINES);
    List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      it.forEachRemaining(entries::add);
    }
    return entries;
  }
}
