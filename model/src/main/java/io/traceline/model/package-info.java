/**
 * The domain: {@link io.traceline.model.LogEvent}, {@link io.traceline.model.Timeline}, trace-id
 * formats and the JSON codecs of both contracts. Plain Java and Jackson; no Kafka, AWS or
 * OpenSearch.
 */
package io.traceline.model;
