/**
 * Indexes timelines, alerts and service edges into OpenSearch: index templates, one versioned bulk
 * request per batch with a per-item outcome (and one removing the earlier revisions of documents
 * that moved into the previous month), and retention by deleting expired monthly indices.
 */
package io.traceline.sink.opensearch;
