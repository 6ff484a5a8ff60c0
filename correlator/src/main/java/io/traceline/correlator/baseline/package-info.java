/**
 * Learned latency baselines: per route and per hop quantile sketches in time buckets, their merged
 * view over a sliding window, and the outlier rules (LATENCY_OUTLIER, SEGMENT_OUTLIER,
 * MISSING_HOP). Pure: no Kafka; the correlator's {@code internals.BaselineStore} keeps the buckets
 * in a store.
 */
package io.traceline.correlator.baseline;
