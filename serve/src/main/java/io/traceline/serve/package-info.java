/**
 * {@code traceline serve}: the web UI and the JSON API over the timelines, alerts and service edges
 * that {@code traceline sink} indexes into OpenSearch.
 */
package io.traceline.serve;
