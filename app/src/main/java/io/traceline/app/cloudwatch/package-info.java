/**
 * {@code traceline subscribe} and {@code traceline backfill}: options, validation and printing
 * around {@link io.traceline.ingest.cloudwatch.Subscriber} and {@link
 * io.traceline.ingest.cloudwatch.Backfill}.
 */
package io.traceline.app.cloudwatch;
