/**
 * Writes timelines where people and tools read them. This version writes JSON lines (replay
 * output); the OpenSearch bulk indexer comes with the sink stage.
 */
package io.traceline.sink;
