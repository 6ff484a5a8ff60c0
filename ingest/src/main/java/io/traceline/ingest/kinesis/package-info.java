/**
 * The Kinesis shard reader ({@link io.traceline.ingest.kinesis.KinesisIngest}): ownership and
 * lineage of shards, pacing and backoff, and checkpoints committed in the same Kafka transaction as
 * the events they cover.
 */
package io.traceline.ingest.kinesis;
