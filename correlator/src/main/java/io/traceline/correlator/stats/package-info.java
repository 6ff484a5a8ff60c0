/** Latency statistics: the quantile sketch the baselines and the service-edge percentiles use. */
package io.traceline.correlator.stats;
