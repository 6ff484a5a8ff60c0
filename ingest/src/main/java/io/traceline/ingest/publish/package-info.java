/** Publishing of ingest outcomes to Kafka: events, unkeyed events and dead letters. */
package io.traceline.ingest.publish;
