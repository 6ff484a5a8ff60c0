/** {@code traceline ingest}: the Kinesis shard reader as a service, and its configuration. */
package io.traceline.app.ingest;
