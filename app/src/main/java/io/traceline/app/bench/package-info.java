/**
 * {@code traceline bench}: plain, single-threaded throughput benchmarks of the pipeline's stages on
 * a synthetic, deterministic input (no JMH; see {@code docs/benchmarks.md}).
 */
package io.traceline.app.bench;
