/** Decoding of CloudWatch Logs subscription payloads (gzip JSON) as read from Kinesis. */
package io.traceline.ingest.decode;
