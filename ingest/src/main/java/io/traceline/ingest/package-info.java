/** Ingest stage: CloudWatch subscription records in, routed LogEvents and dead letters out. */
package io.traceline.ingest;
