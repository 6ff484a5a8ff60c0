package io.traceline.app.demo;

import io.traceline.embedded.EmbeddedKafka;
import io.traceline.model.Topics;

/**
 * Creates every topic of the pipeline on an embedded broker, as {@code
 * deploy/kafka/create-topics.sh} does on a cluster: the keyed topics (events, timelines, the
 * correlator's edge calls) with {@code partitions} partitions, the rest with one (unkeyed events
 * and request links with the same count: the stitcher reads them co-partitioned). For the demo and
 * the benchmarks; stateless.
 */
public final class PipelineTopics {

  private PipelineTopics() {}

  /** Creates the topics on {@code kafka}. */
  public static void create(EmbeddedKafka kafka, int partitions) {
    kafka.createTopic(Topics.EVENTS, partitions);
    kafka.createTopic(Topics.TIMELINES, partitions);
    kafka.createTopic(Topics.EDGE_CALLS, partitions);
    kafka.createTopic(Topics.UNKEYED, 1);
    kafka.createTopic(Topics.REQUEST_LINKS, 1);
    kafka.createTopic(Topics.DLQ, 1);
    kafka.createTopic(Topics.ALERTS, 1);
    kafka.createTopic(Topics.SERVICE_EDGES, 1);
  }
}
