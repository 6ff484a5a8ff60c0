/**
 * JUnit 5 support: {@link io.traceline.embedded.junit.EmbeddedKafkaExtension} gives each test class
 * its own real broker. Needs junit-jupiter-api, an optional dependency of this module.
 */
package io.traceline.embedded.junit;
