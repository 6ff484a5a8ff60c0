/**
 * JUnit 5 support: {@link io.traceline.embedded.junit.EmbeddedKafkaExtension} gives each test class
 * its own real broker, {@link io.traceline.embedded.junit.KinesaliteExtension} a Kinesis API
 * server, {@link io.traceline.embedded.junit.OpenSearchExtension} an OpenSearch server, {@link
 * io.traceline.embedded.junit.ChromiumExtension} a headless browser. Needs junit-jupiter-api (and,
 * for the browser, selenium-chrome-driver), optional dependencies of this module.
 */
package io.traceline.embedded.junit;
