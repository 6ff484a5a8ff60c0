package io.traceline.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Apache Kafka broker running inside this JVM: one KRaft node that is both
 * broker and controller ({@code process.roles=broker,controller}), listening on loopback only.
 *
 * <p>Used by {@code traceline demo} and by integration tests. It is the same server as {@code
 * kafka-server-start.sh} runs ({@link KafkaRaftServer}), so transactions, exactly-once Streams,
 * consumer groups and compaction behave as in production; only replication is absent. See {@code
 * BrokerProperties} for the configuration (every internal topic has one replica and one partition,
 * topics are never auto-created).
 *
 * <p><b>Lifecycle and ownership.</b> {@link #start()} and {@link #start(Path)} return a broker that
 * is ready: it is registered and unfenced and answers client requests. The caller owns it and must
 * {@link #close()} it (try-with-resources, or a JVM shutdown hook in the app); nothing is
 * registered that outlives {@code close()}. {@link #start()} stores data in a fresh temporary
 * directory deleted by {@code close()}; {@link #start(Path)} keeps it, and a later start on the
 * same directory finds the same cluster, topics and records. Two live brokers cannot share a data
 * directory (Kafka locks it).
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. {@link #close()} is
 * idempotent and returns only once the broker is stopped; calls other than {@code close()} after it
 * fail with {@link IllegalStateException}.
 *
 * <p><b>Logging.</b> The broker logs through SLF4J only (its Log4j API calls are routed to SLF4J);
 * nothing is printed to stdout. It is verbose at INFO: an app may set logger {@code kafka} and
 * {@code org.apache.kafka} to WARN.
 *
 * <p><b>Caveat.</b> Like any Kafka server, the broker halts the JVM on a fatal fault (for example
 * when its only log directory fails): Kafka's fault handlers are process-wide and are not changed
 * here.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** Subdirectory of the data directory holding Kafka's logs and metadata (Kafka's own name). */
  static final String LOG_DIR_NAME = "kraft-combined-logs";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_START_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final Admin admin;
  private final String bootstrapServers;
  private final int[] ports;
  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private final Object lifecycleLock = new Object();
  private volatile boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server,
      Admin admin,
      String bootstrapServers,
      int[] ports,
      Path dataDir,
      boolean deleteDataDirOnClose) {
    this.server = server;
    this.admin = admin;
    this.bootstrapServers = bootstrapServers;
    this.ports = ports.clone();
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
  }

  /**
   * Starts a broker whose data lives in a fresh temporary directory, deleted by {@link #close()}.
   *
   * @throws IllegalStateException if the broker does not become ready within 60 seconds
   */
  public static EmbeddedKafka start() {
    Path tempDir;
    try {
      tempDir = Files.createTempDirectory("traceline-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create a temporary directory for Kafka", e);
    }
    try {
      return start(tempDir, true, EmbeddedKafka::freePortPair);
    } catch (RuntimeException | Error e) {
      deleteQuietly(tempDir);
      throw e;
    }
  }

  /**
   * Starts a broker whose data lives under {@code dataDir} (created if missing) and is kept on
   * {@link #close()}. A directory formatted by an earlier start is reused as is: same cluster id,
   * topics and records.
   *
   * @throws IllegalStateException if the broker does not become ready within 60 seconds, or the
   *     directory is in use by another broker
   */
  public static EmbeddedKafka start(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    return start(dataDir.toAbsolutePath().normalize(), false, EmbeddedKafka::freePortPair);
  }

  /**
   * Starts a broker on {@code dataDir}.
   *
   * @param ports gives {broker port, controller port} for each attempt; a seam for the test of the
   *     bind-failure retry
   */
  static EmbeddedKafka start(Path dataDir, boolean temporary, Supplier<int[]> ports) {
    long startNanos = System.nanoTime();
    Path logDir = dataDir.resolve(LOG_DIR_NAME);
    formatIfNeeded(logDir);
    for (int attempt = 1; ; attempt++) {
      int[] pair = ports.get();
      int brokerPort = pair[0];
      int controllerPort = pair[1];
      KafkaRaftServer server = startServer(BrokerProperties.of(logDir, brokerPort, controllerPort));
      try {
        server.startup();
      } catch (RuntimeException e) {
        stopQuietly(server);
        if (attempt < MAX_START_ATTEMPTS && causedByBindFailure(e)) {
          // The race documented in FreePorts: someone took a port between probe and bind.
          LOG.warn(
              "Kafka could not bind port {} or {}; retrying with new ports",
              brokerPort,
              controllerPort);
          continue;
        }
        throw new IllegalStateException("Kafka broker failed to start on " + dataDir, e);
      }
      String bootstrapServers = BrokerProperties.HOST + ":" + brokerPort;
      Admin admin = null;
      try {
        admin = Admin.create(adminProperties(bootstrapServers));
        awaitBrokerReady(admin);
      } catch (RuntimeException e) {
        if (admin != null) {
          admin.close(Duration.ZERO);
        }
        stopQuietly(server);
        throw e;
      }
      LOG.info(
          "Kafka broker ready at {} in {} ms (data in {})",
          bootstrapServers,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
          dataDir);
      return new EmbeddedKafka(server, admin, bootstrapServers, pair, dataDir, temporary);
    }
  }

  /**
   * Starts a broker again after {@code stopped} was closed: the same data directory (so it must
   * have been started with {@link #start(Path)}) and the same ports, so its clients reconnect to
   * the same address and find their topics, records and transactions. For tests of outages.
   *
   * @throws IllegalStateException if {@code stopped} is still running or its data was temporary
   */
  public static EmbeddedKafka restart(EmbeddedKafka stopped) {
    if (!stopped.closed || stopped.deleteDataDirOnClose) {
      throw new IllegalStateException("only a closed broker with a kept data directory restarts");
    }
    int[] pair = stopped.ports.clone();
    return start(stopped.dataDir, false, () -> pair);
  }

  /** The address clients connect to: {@code 127.0.0.1:<port>}, a port chosen at start. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The data directory (its {@value #LOG_DIR_NAME} subdirectory holds Kafka's files). */
  Path dataDir() {
    return dataDir;
  }

  /**
   * Creates a topic with one replica and the broker's default configuration, or does nothing if it
   * already exists with {@code partitions} partitions. Returns once every partition has a leader
   * and accepts requests.
   *
   * @throws IllegalStateException if the topic exists with another partition count, cannot be
   *     created, or is not usable within 30 seconds
   */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /**
   * Like {@link #createTopic(String, int)}, with topic-level configuration such as {@code
   * cleanup.policy=compact}. The configuration only applies when the topic is created: an existing
   * topic is left as it is.
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    Objects.requireNonNull(name, "name");
    Map<String, String> topicConfigs = Map.copyOf(Objects.requireNonNull(configs, "configs"));
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
    }
    requireOpen();
    NewTopic topic =
        new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(topicConfigs);
    try {
      admin.createTopics(List.of(topic)).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Could not create topic " + name, e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out creating topic " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    }
    BoundedPoll.until(
        "topic " + name + " to be usable", TOPIC_TIMEOUT, () -> isUsable(name, partitions));
  }

  /**
   * Every committed record of {@code topic}, from its beginning to its current end, read with
   * {@code isolation.level=read_committed} (records of aborted or open transactions are not
   * returned), in partition order.
   *
   * @throws IllegalStateException when the end is not reached within 30 seconds
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    requireOpen();
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, TOPIC_TIMEOUT)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TOPIC_TIMEOUT);
      long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end in time");
        }
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * True once every partition of the topic has a leader that serves requests. A listed offset is
   * the proof: the leader answers it from the partition's log, which exists only once the broker
   * has applied the topic's metadata.
   */
  private boolean isUsable(String name, int partitions)
      throws ExecutionException, TimeoutException, InterruptedException {
    TopicDescription description =
        admin
            .describeTopics(List.of(name))
            .allTopicNames()
            .get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .get(name);
    if (description.partitions().size() != partitions) {
      throw new IllegalStateException(
          "Topic "
              + name
              + " exists with "
              + description.partitions().size()
              + " partitions, not "
              + partitions);
    }
    if (description.partitions().stream().anyMatch(p -> p.leader() == null)) {
      return false;
    }
    Map<TopicPartition, OffsetSpec> latest =
        description.partitions().stream()
            .map(p -> new TopicPartition(name, p.partition()))
            .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
    admin.listOffsets(latest).all().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return true;
  }

  /**
   * Stops the broker: closes the internal admin client, shuts the server down (broker, then
   * controller) and waits until its threads have ended, then deletes the data directory if it is
   * temporary. Idempotent; safe to call from several threads (later calls wait for the first).
   */
  @Override
  public void close() {
    synchronized (lifecycleLock) {
      if (closed) {
        return;
      }
      closed = true;
      RuntimeException failure = null;
      try {
        admin.close(ADMIN_CLOSE_TIMEOUT);
      } catch (RuntimeException e) {
        failure = e;
      }
      try {
        server.shutdown();
        server.awaitShutdown();
      } catch (RuntimeException e) {
        failure = addTo(failure, e);
      }
      if (deleteDataDirOnClose) {
        try {
          Utils.delete(dataDir.toFile());
        } catch (IOException e) {
          failure = addTo(failure, new UncheckedIOException("Could not delete " + dataDir, e));
        }
      }
      if (failure != null) {
        throw failure;
      }
      LOG.info("Kafka broker at {} stopped", bootstrapServers);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("EmbeddedKafka at " + bootstrapServers + " is closed");
    }
  }

  /**
   * Formats {@code logDir} as the storage of a new single-node cluster unless it already holds a
   * {@code meta.properties} from an earlier start. Equivalent to {@code kafka-storage.sh format
   * --cluster-id $(kafka-storage.sh random-uuid) --release-version <latest production>}.
   */
  private static void formatIfNeeded(Path logDir) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      LOG.debug("Reusing Kafka storage in {}", logDir);
      return;
    }
    // The Formatter reports on a PrintStream (System.out by default); keep it for the debug log.
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
      Files.createDirectories(logDir);
      new Formatter()
          .setPrintStream(out)
          .setNodeId(BrokerProperties.NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .addDirectory(logDir.toString())
          .setMetadataLogDirectory(logDir.toString())
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("Could not format Kafka storage in " + logDir, e);
    }
    LOG.debug("Formatted Kafka storage: {}", report.toString(StandardCharsets.UTF_8).strip());
  }

  private static KafkaRaftServer startServer(Properties properties) {
    try {
      return new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
    } catch (RuntimeException e) {
      // Typically a data directory locked by another live broker.
      throw new IllegalStateException(
          "Could not create the Kafka server on " + properties.getProperty("log.dirs"), e);
    }
  }

  private static Properties adminProperties(String bootstrapServers) {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "traceline-embedded-kafka");
    p.setProperty(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(PROBE_TIMEOUT.toMillis()));
    p.setProperty(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(PROBE_TIMEOUT.toMillis()));
    return p;
  }

  /** Waits until the broker answers a client request and lists itself as a live node. */
  private static void awaitBrokerReady(Admin admin) {
    BoundedPoll.until(
        "the Kafka broker to answer",
        START_TIMEOUT,
        () -> {
          List<Node> nodes =
              List.copyOf(
                  admin
                      .describeCluster()
                      .nodes()
                      .get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
          return nodes.stream().anyMatch(node -> node.id() == BrokerProperties.NODE_ID);
        });
  }

  private static int[] freePortPair() {
    return FreePorts.pick(2);
  }

  private static boolean causedByBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  private static void stopQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Error stopping a Kafka server that failed to start", e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException e) {
      LOG.warn("Could not delete {}", dir, e);
    }
  }

  private static RuntimeException addTo(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
