/**
 * {@code traceline bench}: benchmarks of the pipeline's stages on synthetic input with a fixed
 * seed: the ingest stage's throughput on one thread (a plain loop, no JMH), the correlator's
 * throughput and its memory and emit latency on an embedded broker, and the sink's indexing rate on
 * the real OpenSearch against a plain bulk loop (see {@code docs/benchmarks.md}).
 */
package io.traceline.app.bench;
