package io.traceline.embedded;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The server configuration of the embedded broker: one node that is both broker and KRaft
 * controller, loopback listeners only, every internal topic sized for a single replica.
 *
 * <p>A pure function of its inputs so that it can be checked without starting anything.
 */
final class BrokerProperties {

  static final int NODE_ID = 1;
  static final String BROKER_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String HOST = "127.0.0.1";

  private BrokerProperties() {}

  /**
   * Returns the configuration for a broker storing its logs and metadata in {@code logDir}.
   *
   * @param logDir the single log directory, also the metadata log directory
   * @param brokerPort the port clients connect to
   * @param controllerPort the port of the KRaft controller listener
   */
  static Properties of(Path logDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();

    // Roles and quorum. A static voter set (controller.quorum.voters, kraft.version 0) rather than
    // a dynamic quorum: the voter's endpoint is then read from this configuration at every start,
    // not frozen into the metadata log, so a restart on the same data may use a new port.
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(NODE_ID));
    p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);

    // Listeners: loopback only; only the broker listener is advertised to clients.
    p.setProperty(
        "listeners",
        endpoint(BROKER_LISTENER, brokerPort)
            + ","
            + endpoint(CONTROLLER_LISTENER, controllerPort));
    p.setProperty("advertised.listeners", endpoint(BROKER_LISTENER, brokerPort));
    p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
    p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
    p.setProperty(
        "listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");

    // Storage: one directory for data and metadata.
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("metadata.log.dir", logDir.toString());

    // Topics are created explicitly by their owners (EmbeddedKafka.createTopic).
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("min.insync.replicas", "1");

    // Internal topics: one replica, one partition each (fast to create and load; one node).
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.num.partitions", "1");

    // No waiting for more group members that will never come.
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("group.streams.initial.rebalance.delay.ms", "0");

    // Small footprint for a broker living inside another process: 16 MiB segments and an 8 MiB
    // compaction buffer (the default, 128 MiB, is allocated on the heap at start).
    p.setProperty("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));

    // Bound the server's own wait for the controller (the default is forever).
    p.setProperty("server.max.startup.time.ms", "60000");
    return p;
  }

  private static String endpoint(String listener, int port) {
    return listener + "://" + HOST + ":" + port;
  }
}
