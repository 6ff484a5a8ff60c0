/**
 * Real servers for {@code traceline demo} and the integration tests: {@link
 * io.traceline.embedded.EmbeddedKafka}, a single-node KRaft Kafka broker in this JVM; {@link
 * io.traceline.embedded.Kinesalite} (a Kinesis API server) and {@link
 * io.traceline.embedded.EmbeddedOpenSearch} as child processes; for browser tests, {@link
 * io.traceline.embedded.HeadlessChromium}, Debian's Chromium driven by Selenium.
 */
package io.traceline.embedded;
