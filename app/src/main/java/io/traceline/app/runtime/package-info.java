/**
 * What every stage service shares: its {@code runtime} settings, JSON logs, the Prometheus
 * registry, the admin HTTP endpoints (metrics, liveness, readiness) and the signal-driven stop.
 */
package io.traceline.app.runtime;
