package io.traceline.sink.opensearch;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the sink reaches OpenSearch and how long it keeps data. Immutable; {@link #problems()} lists
 * every invalid value at once. {@link #toString()} never shows a password.
 *
 * @param endpoints the nodes, {@code http://host:port} or {@code https://host:port}; at least one
 * @param username basic-auth user, or null for none
 * @param password basic-auth password, or null; required with a user
 * @param trustStore a trust store (PKCS12 or JKS) with the CA of the cluster's certificate, or null
 *     for the JVM's default trust
 * @param trustStorePassword the trust store's password, or null
 * @param requestTimeout how long one request may take before OpenSearch counts as unavailable
 * @param retention how long indexed data is kept: a monthly index is deleted once its whole month
 *     is older than this
 */
public record OpenSearchSettings(
    List<URI> endpoints,
    String username,
    String password,
    Path trustStore,
    String trustStorePassword,
    Duration requestTimeout,
    Duration retention) {

  /** Default request timeout: a bulk of a few megabytes takes well under this. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Default retention. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  public OpenSearchSettings {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** Settings for plain HTTP without credentials, with default timeout and retention. */
  public static OpenSearchSettings of(URI... endpoints) {
    return new OpenSearchSettings(
        List.of(endpoints), null, null, null, null, DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETENTION);
  }

  /** These settings with basic-auth credentials. */
  public OpenSearchSettings withBasicAuth(String username, String password) {
    return new OpenSearchSettings(
        endpoints, username, password, trustStore, trustStorePassword, requestTimeout, retention);
  }

  /** These settings with a trust store for TLS. */
  public OpenSearchSettings withTrustStore(Path trustStore, String trustStorePassword) {
    return new OpenSearchSettings(
        endpoints, username, password, trustStore, trustStorePassword, requestTimeout, retention);
  }

  /** These settings with another retention. */
  public OpenSearchSettings withRetention(Duration retention) {
    return new OpenSearchSettings(
        endpoints, username, password, trustStore, trustStorePassword, requestTimeout, retention);
  }

  /** Every invalid value, one line each; empty when the settings are usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (endpoints.isEmpty()) {
      problems.add("endpoints: at least one OpenSearch node is needed");
    }
    for (URI endpoint : endpoints) {
      String scheme = String.valueOf(endpoint.getScheme()).toLowerCase(Locale.ROOT);
      if ((!scheme.equals("http") && !scheme.equals("https")) || endpoint.getHost() == null) {
        problems.add("endpoints: " + endpoint + " is not http(s)://host[:port]");
      }
    }
    if ((username == null) != (password == null)) {
      problems.add("username and password go together: set both or neither");
    }
    if (trustStore != null && !Files.isReadable(trustStore)) {
      problems.add("trustStore: " + trustStore + " is not a readable file");
    }
    if (trustStore == null && trustStorePassword != null) {
      problems.add("trustStorePassword is set without a trustStore");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      problems.add("requestTimeout must be positive, was " + requestTimeout);
    }
    if (retention == null || retention.isNegative() || retention.isZero()) {
      problems.add("retention must be positive, was " + retention);
    }
    return problems;
  }

  @Override
  public String toString() {
    return "OpenSearchSettings[endpoints="
        + endpoints
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", trustStore="
        + trustStore
        + ", trustStorePassword="
        + (trustStorePassword == null ? "none" : "***")
        + ", requestTimeout="
        + requestTimeout
        + ", retention="
        + retention
        + "]";
  }
}
