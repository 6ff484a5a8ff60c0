/** The sink's Kafka side: consumes the pipeline's outputs and indexes them into OpenSearch. */
package io.traceline.sink.kafka;
