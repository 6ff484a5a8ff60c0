package io.traceline.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchTest {

  private static final TopicPartition P0 = new TopicPartition("traceline.timelines", 0);
  private static final TopicPartition P1 = new TopicPartition("traceline.timelines", 1);

  @Test
  void commitsOnlyTheAcknowledgedRunFromTheFirstRecord() {
    Batch batch = new Batch();
    for (long offset = 10; offset < 13; offset++) {
      batch.add(P0, offset);
    }
    batch.add(P1, 4);
    batch.acknowledge(P0, 10);
    batch.acknowledge(P0, 12);

    assertThat(batch.complete()).isFalse();
    assertThat(batch.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(11)));

    batch.acknowledge(P0, 11);
    batch.acknowledge(P1, 4);
    assertThat(batch.complete()).isTrue();
    assertThat(batch.committable())
        .isEqualTo(Map.of(P0, new OffsetAndMetadata(13), P1, new OffsetAndMetadata(5)));
  }

  @Test
  void droppedPartitionsAreNeitherWaitedForNorCommitted() {
    Batch batch = new Batch();
    batch.add(P0, 0);
    batch.add(P1, 0);
    batch.acknowledge(P0, 0);

    assertThat(batch.committable(List.of(P1))).isEmpty();
    batch.drop(List.of(P1));
    batch.acknowledge(P1, 0);

    assertThat(batch.contains(P1)).isFalse();
    assertThat(batch.complete()).isTrue();
    assertThat(batch.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
  }
}
