/**
 * What every AWS client of ingest shares: the retry decision for throttled and failed calls ({@link
 * io.traceline.ingest.aws.Retry}).
 */
package io.traceline.ingest.aws;
