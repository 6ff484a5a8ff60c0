/**
 * Line parsing (pure: one CloudWatch log event in, one normalised LogEvent out) and stitching:
 * within one message, and across messages with a reader's RequestMemory.
 */
package io.traceline.ingest.parse;
