package io.traceline.app.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.embedded.EmbeddedKafka;
import io.traceline.embedded.junit.EmbeddedKafkaExtension;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.TimelineStatus;
import io.traceline.model.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failover test of the correlator: two {@code traceline correlate} processes (the distribution
 * jar, {@code exactly_once_v2}, one standby replica) share the partitions of {@code
 * traceline.events} on a real broker; one is killed with SIGKILL while traces are open and events
 * keep arriving, and the other takes its partitions over. On {@code traceline.timelines}, read
 * {@code read_committed}: every trace has a timeline whose last revision holds all its events (none
 * lost), no (trace, revision) pair appears twice (no second copy of a revision the killed instance
 * emitted, nor of one it had in an open transaction), and the revisions of a trace are 1..n.
 *
 * <p>Why a trace may legitimately have more than one revision: a revision is emitted when a trace
 * has been quiet for the inactivity gap, and an event that arrives after that re-opens it (status
 * {@code REVISED}, all its events). The workload sends such late events on purpose (one trace in
 * four), so that some traces are closed by the killed instance and re-opened after the kill, on the
 * survivor: their revision 2 proves that the survivor continued from the killed instance's
 * committed state. Revisions of other traces can happen too: the correlator's clock is event time
 * moved on by the wall clock, so while an instance is behind its input by more than the gap (a
 * loaded machine, or the survivor catching up with the input that waited during the failover), its
 * clock may pass a trace's deadline before that trace's next event is read. What never happens is a
 * revision without new events: each revision holds more events than the one before, which is
 * asserted.
 *
 * <p>The failover takes seconds, not the defaults' minute, through raw Kafka properties of the
 * configuration: a 6 s session timeout (the broker's minimum) lets the group notice the dead
 * member; its open transaction blocks the partitions it wrote until the broker aborts it ({@code
 * transaction.timeout.ms} 5 s, checked by the broker every 10 s).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CorrelatorFailoverIT {

  private static final Path JAR = Path.of("target", "traceline.jar");
  private static final Path LOGS = Path.of("target", "correlator-failover-it");
  private static final String APP_ID = "correlator-failover-it";
  private static final int PARTITIONS = 4;

  /** A bound only: the workload opens traces until some waves after the kill. */
  private static final int MAX_WAVES = 160;

  /** Waves that open traces after the kill: longer than the failover takes. */
  private static final int WAVES_AFTER_KILL = 16;

  private static final int TRACES_PER_WAVE = 10;
  private static final int LATE_EVERY = 4;
  private static final Duration LATE_AFTER = Duration.ofSeconds(5);
  private static final Duration GAP = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(250);

  private final List<Instance> instances = new ArrayList<>();
  private final long startNanos = System.nanoTime();

  /** One {@code traceline correlate} process. */
  private record Instance(String name, Process process, Path stateDir, Path log) {
    /** Prefix of its Kafka clients' ids (Streams appends thread and client kind). */
    static String clientId(String name) {
      return "failover-" + name;
    }
  }

  @BeforeAll
  static void topics(EmbeddedKafka kafka) {
    kafka.createTopic(Topics.EVENTS, PARTITIONS);
    // the request stitcher reads these; same partition count for both (co-partitioned)
    kafka.createTopic(Topics.UNKEYED, PARTITIONS);
    kafka.createTopic(Topics.REQUEST_LINKS, PARTITIONS);
    kafka.createTopic(Topics.TIMELINES, PARTITIONS);
    kafka.createTopic(Topics.DLQ, 1);
    // the correlator's next outputs (alerts, service edges) and its edge repartition topic, as
    // deploy/kafka/create-topics.sh creates them; unused until those stages exist
    kafka.createTopic(Topics.ALERTS, 1);
    kafka.createTopic(Topics.SERVICE_EDGES, 1);
    kafka.createTopic(Topics.EDGE_CALLS, PARTITIONS);
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Instance instance : instances) {
      instance.process().destroyForcibly();
      instance.process().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void killingOneOfTwoInstancesMidStreamLosesNoTimelineAndRepeatsNoRevision(
      EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    assertThat(JAR).as("the distribution (mvn package) exists").isRegularFile();
    Instance a = start("a", kafka, dir);
    Instance b = start("b", kafka, dir);

    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      await("both instances to own events partitions", () -> bothOwnPartitions(admin, a, b));
      log("both instances running: " + ownedPartitions(admin));

      Map<String, Set<String>> expected;
      KillPoint kill;
      try (WaveWorkload workload =
          new WaveWorkload(
              kafka.bootstrapServers(), MAX_WAVES, TRACES_PER_WAVE, LATE_EVERY, LATE_AFTER)) {
        kill = await("a moment to kill", () -> killPoint(kafka, admin, a, b, workload));
        Instance victim = kill.victim();
        victim.process().destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no leave
        workload.stopOpeningAfter(WAVES_AFTER_KILL);
        assertThat(victim.process().waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
        assertThat(victim.process().exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        assertThat(victim.process().isAlive()).isFalse();
        log(
            String.format(
                "killed %s at wave %d: it owned partitions %s; %d of its traces open, %d closed"
                    + " ones still to get a late event",
                victim.name(),
                kill.wave(),
                kill.victimPartitions(),
                kill.openTraces().size(),
                kill.revisedLater().size()));
        long killedAt = System.nanoTime();
        // What the killed instance committed; any later timeline of its partitions is the
        // survivor's.
        Set<String> committedAtKill = timelines(kafka).keySet();
        await(
            "the survivor to emit a timeline of a trace the killed instance had open",
            () ->
                kill.openTraces().stream()
                        .filter(t -> !committedAtKill.contains(t))
                        .anyMatch(timelines(kafka)::containsKey)
                    ? 1
                    : null);
        log(
            String.format(
                "failover: %d ms from the kill to the first timeline of a trace the killed"
                    + " instance had open",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)));
        workload.done().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(workload.waves())
            .as("events kept arriving after the kill")
            .isGreaterThan(kill.wave());
        expected = workload.acked();
        log(
            String.format(
                "workload done: %d traces, %d events",
                expected.size(), expected.values().stream().mapToInt(Set::size).sum()));
      }
      Instance survivor = kill.survivor();

      awaitEveryTraceComplete(kafka, expected);
      // Give a wrongly restored deadline time to fire (a second copy would show in the end).
      long settled = System.nanoTime() + GAP.plusSeconds(1).toNanos();
      await("the survivor to run a gap longer", () -> System.nanoTime() > settled ? 1 : null);
      assertThat(ownedPartitions(admin).get(survivor.name()))
          .as("the survivor took every partition over")
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toSet()));

      survivor.process().destroy(); // SIGTERM: commit, close the stores, leave the group
      assertThat(survivor.process().waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
      assertThat(survivor.process().exitValue()).as("a clean stop exits 0").isZero();
      assertThat(Files.readString(survivor.log(), StandardCharsets.UTF_8))
          .contains("exactly_once_v2, 1 standby replicas")
          .contains("stopping: committing and closing the stores");
      log("survivor " + survivor.name() + " stopped with exit code 0");

      assertTimelines(kafka, expected, kill);
    }
  }

  /** The moment chosen for the kill and what was true then. */
  private record KillPoint(
      Instance victim,
      Instance survivor,
      Set<Integer> victimPartitions,
      int wave,
      Set<String> openTraces,
      Set<String> revisedLater) {}

  /**
   * A kill point once: both instances have emitted timelines; the other instance has local state of
   * each of the victim's correlator tasks (the standby replicas' copies); the victim has open
   * traces, and closed traces whose late event is still to come (so they are re-opened after the
   * kill). Null while not.
   */
  private KillPoint killPoint(
      EmbeddedKafka kafka, Admin admin, Instance a, Instance b, WaveWorkload workload)
      throws Exception {
    Map<String, Set<Integer>> owned = ownedPartitions(admin);
    Map<String, Set<String>> sent = workload.acked();
    Map<String, List<Timeline>> timelines = timelines(kafka);
    for (Instance victim : List.of(a, b)) {
      Instance survivor = victim.equals(a) ? b : a;
      Set<Integer> victimPartitions = owned.getOrDefault(victim.name(), Set.of());
      Set<Integer> survivorPartitions = owned.getOrDefault(survivor.name(), Set.of());
      boolean bothEmitted =
          timelines.keySet().stream().anyMatch(t -> victimPartitions.contains(partitionOf(t)))
              && timelines.keySet().stream()
                  .anyMatch(t -> survivorPartitions.contains(partitionOf(t)));
      boolean warmCopy =
          !victimPartitions.isEmpty()
              && victimPartitions.stream()
                  .allMatch(p -> Files.isDirectory(taskDir(survivor, "0_" + p)));
      Set<String> open = new TreeSet<>();
      Set<String> revisedLater = new TreeSet<>();
      for (String trace : sent.keySet()) {
        if (!victimPartitions.contains(partitionOf(trace))) {
          continue;
        }
        if (!timelines.containsKey(trace)) {
          open.add(trace);
        } else if (workload.isLate(trace) && !workload.lateAcked(trace)) {
          revisedLater.add(trace);
        }
      }
      if (bothEmitted && warmCopy && !open.isEmpty() && !revisedLater.isEmpty()) {
        return new KillPoint(
            victim, survivor, victimPartitions, workload.waves(), open, revisedLater);
      }
    }
    return null;
  }

  /**
   * Reads until the last revision of every trace holds all its events, or gives up after {@link
   * #WAIT} (the assertions then say which traces are incomplete).
   */
  private void awaitEveryTraceComplete(EmbeddedKafka kafka, Map<String, Set<String>> expected)
      throws Exception {
    long from = System.nanoTime();
    Boolean complete =
        poll(
            () -> {
              Map<String, List<Timeline>> timelines = timelines(kafka);
              boolean done =
                  expected.entrySet().stream()
                      .allMatch(
                          e -> {
                            List<Timeline> revisions = timelines.get(e.getKey());
                            return revisions != null
                                && eventIds(revisions.get(revisions.size() - 1))
                                    .equals(e.getValue());
                          });
              return done ? Boolean.TRUE : null;
            });
    log(
        String.format(
            "%s, %d ms after the workload ended",
            complete == null ? "NOT every trace complete" : "every trace complete",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from)));
  }

  private void assertTimelines(
      EmbeddedKafka kafka, Map<String, Set<String>> expected, KillPoint kill) {
    Map<String, List<Timeline>> timelines = timelines(kafka);
    Map<String, String> incomplete = new TreeMap<>();
    expected.forEach(
        (trace, ids) -> {
          List<Timeline> revisions = timelines.getOrDefault(trace, List.of());
          if (revisions.isEmpty() || !eventIds(revisions.get(revisions.size() - 1)).equals(ids)) {
            incomplete.put(
                trace,
                String.format(
                    "partition %d, %s, %d events sent, timelines (revision:events) %s",
                    partitionOf(trace),
                    kill.victimPartitions().contains(partitionOf(trace))
                        ? "killed's"
                        : "survivor's",
                    ids.size(),
                    revisions.stream().map(t -> t.revision() + ":" + t.eventCount()).toList()));
          }
        });
    assertThat(incomplete)
        .as("traces without a timeline holding all their events (none lost)")
        .isEmpty();
    assertThat(timelines.keySet())
        .as("a timeline for every trace, and for nothing else")
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    int revised = 0;
    int revisedWithoutLateEvent = 0;
    int revisedWithoutLateEventOnVictim = 0;
    for (Map.Entry<String, List<Timeline>> e : timelines.entrySet()) {
      String trace = e.getKey();
      List<Timeline> revisions = e.getValue();
      assertThat(revisions)
          .as("revisions of %s, in the order emitted: 1..n, none twice", trace)
          .extracting(Timeline::revision)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, revisions.size()).boxed().toList());
      assertThat(revisions.get(revisions.size() - 1).eventCount())
          .isEqualTo(expected.get(trace).size());
      assertThat(revisions.get(0).status()).isEqualTo(TimelineStatus.COMPLETE);
      for (int r = 1; r < revisions.size(); r++) {
        assertThat(revisions.get(r).status()).isEqualTo(TimelineStatus.REVISED);
        assertThat(eventIds(revisions.get(r)))
            .as("revision %d of %s follows events that arrived after revision %d", r + 1, trace, r)
            .containsAll(eventIds(revisions.get(r - 1)))
            .hasSizeGreaterThan(eventIds(revisions.get(r - 1)).size());
      }
      if (revisions.size() > 1) {
        revised++;
        if (!isLateTrace(trace, expected)) {
          revisedWithoutLateEvent++;
          if (kill.victimPartitions().contains(partitionOf(trace))) {
            revisedWithoutLateEventOnVictim++;
          }
        }
      }
    }
    for (String trace : kill.revisedLater()) {
      assertThat(timelines.get(trace))
          .as(
              "%s: revision 1 emitted by the killed instance, re-opened after the kill: revision 2"
                  + " from the survivor",
              trace)
          .extracting(Timeline::revision)
          .containsExactly(1, 2);
    }
    assertThat(kafka.readCommitted(Topics.DLQ)).as("nothing went to the DLQ").isEmpty();
    log(
        String.format(
            "%d traces, %d timelines, %d traces revised (%d without a late event, %d of them on"
                + " the killed instance's partitions), %d revised across the kill; %d records of"
                + " aborted transactions in traceline.timelines",
            timelines.size(),
            timelines.values().stream().mapToInt(List::size).sum(),
            revised,
            revisedWithoutLateEvent,
            revisedWithoutLateEventOnVictim,
            kill.revisedLater().size(),
            uncommittedCount(kafka, Topics.TIMELINES)
                - timelines.values().stream().mapToInt(List::size).sum()));
  }

  /** A trace with the workload's late event: one event more than the regular ones. */
  private static boolean isLateTrace(String trace, Map<String, Set<String>> expected) {
    return expected.get(trace).size() > WaveWorkload.WAVES_PER_TRACE * WaveWorkload.EVENTS_PER_WAVE;
  }

  /** Every committed timeline, by trace, in the order emitted (one trace is one partition). */
  private static Map<String, List<Timeline>> timelines(EmbeddedKafka kafka) {
    Map<String, List<Timeline>> byTrace = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(Topics.TIMELINES)) {
      Timeline t = Json.readTimeline(r.value());
      byTrace.computeIfAbsent(t.traceId(), k -> new ArrayList<>()).add(t);
    }
    return byTrace;
  }

  /** Records in the topic including those of aborted transactions (read_uncommitted). */
  private static int uncommittedCount(EmbeddedKafka kafka, String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      int count = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("read %s to its end in time", topic).isLessThan(deadline);
        count += consumer.poll(Duration.ofMillis(100)).count();
      }
      return count;
    }
  }

  private static Set<String> eventIds(Timeline timeline) {
    return timeline.events().stream().map(LogEvent::id).collect(Collectors.toSet());
  }

  /** The partition the default partitioner gives a trace id key (murmur2, as Kafka does). */
  private static int partitionOf(String traceId) {
    return Utils.toPositive(Utils.murmur2(traceId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  private static Path taskDir(Instance instance, String taskId) {
    return instance.stateDir().resolve(APP_ID).resolve(taskId);
  }

  /** Instance name -> partitions of {@code traceline.events} it is assigned (active tasks). */
  private Map<String, Set<Integer>> ownedPartitions(Admin admin) throws Exception {
    Map<String, Set<Integer>> owned = new HashMap<>();
    ConsumerGroupDescription group;
    try {
      group =
          admin.describeConsumerGroups(List.of(APP_ID)).all().get(30, TimeUnit.SECONDS).get(APP_ID);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return owned; // not formed yet
      }
      throw e;
    }
    if (group.groupState() != GroupState.STABLE) {
      return owned;
    }
    for (MemberDescription member : group.members()) {
      for (Instance instance : instances) {
        if (member.clientId().startsWith(Instance.clientId(instance.name()) + "-")) {
          Set<Integer> partitions = owned.computeIfAbsent(instance.name(), n -> new TreeSet<>());
          member.assignment().topicPartitions().stream()
              .filter(tp -> tp.topic().equals(Topics.EVENTS))
              .forEach(tp -> partitions.add(tp.partition()));
        }
      }
    }
    return owned;
  }

  private Boolean bothOwnPartitions(Admin admin, Instance a, Instance b) throws Exception {
    Map<String, Set<Integer>> owned = ownedPartitions(admin);
    boolean both =
        !owned.getOrDefault(a.name(), Set.of()).isEmpty()
            && !owned.getOrDefault(b.name(), Set.of()).isEmpty();
    return both ? Boolean.TRUE : null;
  }

  /**
   * Polls {@code probe} until it returns non-null. Between attempts it waits up to {@link #POLL}
   * for a live instance to exit, so an instance that dies on its own fails the test at once.
   */
  private <T> T await(String what, Callable<T> probe) throws Exception {
    T result = poll(probe);
    if (result == null) {
      throw new AssertionError("timed out waiting for " + what + logs());
    }
    return result;
  }

  /** Like {@link #await}, but returns null when {@link #WAIT} passes first. */
  private <T> T poll(Callable<T> probe) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      T result = probe.call();
      if (result != null || System.nanoTime() > deadline) {
        return result;
      }
      CompletableFuture<?>[] exits =
          instances.stream()
              .map(Instance::process)
              .filter(Process::isAlive)
              .map(Process::onExit)
              .toArray(CompletableFuture[]::new);
      try {
        CompletableFuture.anyOf(exits).get(POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        continue;
      }
      for (Instance instance : instances) {
        if (!instance.process().isAlive() && instance.process().exitValue() != 128 + 9) {
          throw new AssertionError(
              instance.name() + " exited " + instance.process().exitValue() + logs());
        }
      }
    }
  }

  private String logs() throws IOException {
    StringBuilder text = new StringBuilder();
    for (Instance instance : instances) {
      List<String> lines = Files.readAllLines(instance.log(), StandardCharsets.UTF_8);
      text.append("\n--- ").append(instance.name()).append(" (last 40 lines):\n");
      lines
          .subList(Math.max(0, lines.size() - 40), lines.size())
          .forEach(l -> text.append(l).append('\n'));
    }
    return text.toString();
  }

  private Instance start(String name, EmbeddedKafka kafka, Path dir) throws IOException {
    Path stateDir = dir.resolve("state-" + name);
    Path config = dir.resolve(name + ".yaml");
    Path log = LOGS.resolve(name + ".log"); // kept after the test, for a failure's diagnosis
    Files.createDirectories(LOGS);
    String yaml =
        """
        kafka:
          bootstrapServers: %s
          applicationId: %s
          stateDir: %s
          processingGuarantee: exactly_once_v2
          standbyReplicas: 1
          properties:
            client.id: %s
            session.timeout.ms: '6000'
            heartbeat.interval.ms: '1000'
            transaction.timeout.ms: '5000'
        correlator:
          inactivityGap: %ds
          closeCheckInterval: 200ms
        runtime:
          adminPort: 0
          logFormat: text
        """
            .formatted(
                kafka.bootstrapServers(),
                APP_ID,
                stateDir,
                Instance.clientId(name),
                GAP.toSeconds());
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toString(),
                "correlate",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TRACELINE_"));
    Instance instance = new Instance(name, builder.start(), stateDir, log);
    instances.add(instance);
    return instance;
  }

  private void log(String message) {
    System.out.printf(
        "CorrelatorFailoverIT %6.1f s  %s%n", (System.nanoTime() - startNanos) / 1e9, message);
  }
}
