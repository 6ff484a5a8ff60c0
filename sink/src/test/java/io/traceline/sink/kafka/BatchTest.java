package io.traceline.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.sink.opensearch.Doc;
import io.traceline.sink.opensearch.DocKind;
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
  void aStoredRevisionSupersedesLowerRevisionsOfTheSameDocumentOnly() {
    Batch batch = new Batch();
    batch.stored(doc(DocKind.TIMELINE, "t1", 3));
    batch.stored(doc(DocKind.TIMELINE, "t1", 2));

    assertThat(batch.superseded(doc(DocKind.TIMELINE, "t1", 1))).isTrue();
    assertThat(batch.superseded(doc(DocKind.TIMELINE, "t1", 2))).isTrue();
    assertThat(batch.superseded(doc(DocKind.TIMELINE, "t1", 3))).isFalse();
    assertThat(batch.superseded(doc(DocKind.TIMELINE, "t2", 1))).isFalse();
    assertThat(batch.superseded(doc(DocKind.ALERT, "t1", 1)))
        .as("an alert is another document than its timeline")
        .isFalse();
  }

  private static Doc doc(DocKind kind, String id, long version) {
    return new Doc(kind, kind.alias() + "-2026.11", id, version, new byte[] {'{', '}'}, null);
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
