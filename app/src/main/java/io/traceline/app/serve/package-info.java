/** {@code traceline serve}: the web UI and JSON API over OpenSearch as a service. */
package io.traceline.app.serve;
