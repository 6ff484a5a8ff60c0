/**
 * The CloudWatch Logs API side of ingest: attaching subscription filters ({@link
 * io.traceline.ingest.cloudwatch.Subscriber}) and reading a past window into the ingest path
 * ({@link io.traceline.ingest.cloudwatch.Backfill}), both throttling-aware through {@link
 * io.traceline.ingest.aws.Retry}.
 */
package io.traceline.ingest.cloudwatch;
