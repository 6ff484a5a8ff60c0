/**
 * Writes timelines where people and tools read them: JSON lines (replay output) here, OpenSearch in
 * {@link io.traceline.sink.opensearch}.
 */
package io.traceline.sink;
