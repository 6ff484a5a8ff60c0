#!/usr/bin/env bash
# Creates the Kinesis stream ingest reads, unless it exists, and waits until it is active: the
# one-shot `kinesis-stream` service of docker-compose.yml (against kinesalite), or by hand.
# Usage: STREAM=traceline-logs SHARDS=2 AWS_ENDPOINT_URL=http://localhost:4567 create-stream.sh
# Needs the AWS CLI v2 and credentials (dummy ones for kinesalite). On AWS, prefer
# deploy/aws/cloudformation.yaml, which also creates the role CloudWatch Logs delivers with.
set -euo pipefail
: "${STREAM:?set STREAM to the stream name}"
SHARDS="${SHARDS:-2}"

if aws kinesis describe-stream-summary --stream-name "$STREAM" >/dev/null 2>&1; then
  echo "stream $STREAM exists"
else
  aws kinesis create-stream --stream-name "$STREAM" --shard-count "$SHARDS"
  echo "stream $STREAM created with $SHARDS shards"
fi
aws kinesis wait stream-exists --stream-name "$STREAM"
