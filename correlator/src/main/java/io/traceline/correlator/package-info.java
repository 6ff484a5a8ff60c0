/**
 * The correlator: {@link io.traceline.correlator.CorrelatorTopology#build} turns keyed log events
 * into request timelines.
 */
package io.traceline.correlator;
