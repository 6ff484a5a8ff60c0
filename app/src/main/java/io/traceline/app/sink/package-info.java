/** {@code traceline sink}: the sink stage as a service, Kafka to OpenSearch. */
package io.traceline.app.sink;
