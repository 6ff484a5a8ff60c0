/**
 * Real servers started in-process for {@code traceline demo} and the integration tests: {@link
 * io.traceline.embedded.EmbeddedKafka}, a single-node KRaft Kafka broker.
 */
package io.traceline.embedded;
