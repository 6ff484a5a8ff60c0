package io.traceline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BrokerPropertiesTest {

  private final Properties properties = BrokerProperties.of(Path.of("/data/kafka"), 9092, 9093);

  @Test
  void isOneCombinedNodeOnLoopback() {
    assertThat(properties)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "1")
        .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
        .containsEntry("log.dirs", Path.of("/data/kafka").toString());
  }

  @Test
  void sizesEveryInternalTopicForOneReplica() {
    assertThat(properties)
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("share.coordinator.state.topic.min.isr", "1")
        .containsEntry("default.replication.factor", "1");
  }

  @Test
  void leavesTopicCreationToItsOwners() {
    assertThat(properties).containsEntry("auto.create.topics.enable", "false");
  }

  @Test
  void isAValidKafkaServerConfiguration() {
    KafkaConfig config = KafkaConfig.fromProps(properties, false);

    assertThat(config.nodeId()).isEqualTo(1);
    assertThat(config.autoCreateTopicsEnable()).isFalse();
    assertThat(config.logDirs()).containsExactly(Path.of("/data/kafka").toString());
  }
}
