#!/usr/bin/env bash
# Creates Traceline's topics on an existing Kafka cluster with kafka-topics.sh.
# Usage: BOOTSTRAP=broker:9092 PARTITIONS=12 REPLICATION=3 deploy/kafka/create-topics.sh
# Partitions of traceline.events bound the correlator's parallelism: one task per partition.
# traceline.unkeyed and traceline.request-links are both keyed by log stream and read together by
# the correlator's request stitcher: they MUST have the same number of partitions (co-partitioned),
# also when partitions are added later.
set -euo pipefail
: "${BOOTSTRAP:?set BOOTSTRAP to the bootstrap servers of the cluster}"
PARTITIONS="${PARTITIONS:-12}"
REPLICATION="${REPLICATION:-3}"
KAFKA_TOPICS="${KAFKA_TOPICS:-kafka-topics.sh}"

create() { # name partitions [config...]
  local name=$1 partitions=$2
  shift 2
  local configs=()
  for c in "$@"; do configs+=(--config "$c"); done
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$REPLICATION" "${configs[@]}"
}

create traceline.events "$PARTITIONS" retention.ms=86400000
create traceline.unkeyed "$PARTITIONS" retention.ms=86400000
create traceline.request-links "$PARTITIONS" retention.ms=86400000
create traceline.dlq 3 retention.ms=1209600000
create traceline.timelines "$PARTITIONS" retention.ms=604800000
create traceline.alerts 3 retention.ms=604800000
create traceline.service-edges 3 retention.ms=604800000
# The correlator's own repartition topic: each timeline's calls keyed by edge, for the aggregates.
create traceline.edge-calls "$PARTITIONS" retention.ms=86400000
# One small record per Kinesis shard (ingest's checkpoints), compacted: never delete it.
create traceline.ingest.checkpoints 1 cleanup.policy=compact
