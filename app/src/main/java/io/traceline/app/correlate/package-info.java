/** Runs the correlator topology on a Kafka cluster. */
package io.traceline.app.correlate;
