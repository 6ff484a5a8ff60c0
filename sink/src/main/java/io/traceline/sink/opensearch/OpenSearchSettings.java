package io.traceline.sink.opensearch;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

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
 * @param aws AWS SigV4 signing for Amazon OpenSearch Service; {@link Aws#NONE} (or null) for none
 */
public record OpenSearchSettings(
    List<URI> endpoints,
    String username,
    String password,
    Path trustStore,
    String trustStorePassword,
    Duration requestTimeout,
    Duration retention,
    Aws aws) {

  /** Default request timeout: a bulk of a few megabytes takes well under this. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Default retention. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  public OpenSearchSettings {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    aws = aws == null ? Aws.NONE : aws;
  }

  /** Settings for plain HTTP without credentials, with default timeout and retention. */
  public static OpenSearchSettings of(URI... endpoints) {
    return new OpenSearchSettings(
        List.of(endpoints),
        null,
        null,
        null,
        null,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_RETENTION,
        Aws.NONE);
  }

  /** These settings with basic-auth credentials. */
  public OpenSearchSettings withBasicAuth(String username, String password) {
    return new OpenSearchSettings(
        endpoints,
        username,
        password,
        trustStore,
        trustStorePassword,
        requestTimeout,
        retention,
        aws);
  }

  /** These settings with a trust store for TLS. */
  public OpenSearchSettings withTrustStore(Path trustStore, String trustStorePassword) {
    return new OpenSearchSettings(
        endpoints,
        username,
        password,
        trustStore,
        trustStorePassword,
        requestTimeout,
        retention,
        aws);
  }

  /** These settings with another retention. */
  public OpenSearchSettings withRetention(Duration retention) {
    return new OpenSearchSettings(
        endpoints,
        username,
        password,
        trustStore,
        trustStorePassword,
        requestTimeout,
        retention,
        aws);
  }

  /**
   * These settings with AWS SigV4 signing.
   *
   * @param region the region of the domain or collection, e.g. {@code eu-west-1}
   * @param service {@code es} for a managed domain, {@code aoss} for OpenSearch Serverless, or null
   *     for {@code es}
   */
  public OpenSearchSettings withAws(String region, String service) {
    return new OpenSearchSettings(
        endpoints,
        username,
        password,
        trustStore,
        trustStorePassword,
        requestTimeout,
        retention,
        new Aws(region, service));
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
    problems.addAll(aws.problems());
    if (aws.signs()) {
      if (username != null || password != null) {
        problems.add(
            "aws.region turns on AWS SigV4 signing, which excludes basic auth: unset username"
                + " and password");
      }
      if (endpoints.size() > 1) {
        problems.add(
            "endpoints: AWS signing takes exactly one endpoint (the domain's or the collection's),"
                + " not "
                + endpoints.size());
      }
      for (URI endpoint : endpoints) {
        if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
          problems.add("endpoints: " + endpoint + " must be https when signing with AWS");
        }
      }
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
        + ", aws="
        + aws
        + "]";
  }

  /**
   * AWS SigV4 signing of every request, for Amazon OpenSearch Service (managed domains) and
   * OpenSearch Serverless. Credentials come from the AWS SDK's default chain (environment, system
   * properties, profile, web identity such as IRSA on EKS, container and instance roles), never
   * from these settings. Immutable.
   *
   * @param region the region of the domain or collection ({@code eu-west-1}); null turns signing
   *     off. Lower-cased.
   * @param service the signing name: {@code es} for a managed domain (the default, also when null),
   *     {@code aoss} for a serverless collection. Lower-cased.
   */
  public record Aws(String region, String service) {

    /** The signing name of Amazon OpenSearch Service's managed domains; the default. */
    public static final String MANAGED = "es";

    /** The signing name of OpenSearch Serverless collections. */
    public static final String SERVERLESS = "aoss";

    /** No signing. */
    public static final Aws NONE = new Aws(null, MANAGED);

    /** {@code us-east-1}, {@code eu-central-2}, {@code us-gov-west-1}, {@code cn-north-1}, ... */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

    public Aws {
      region = region == null ? null : region.trim().toLowerCase(Locale.ROOT);
      service = service == null ? MANAGED : service.trim().toLowerCase(Locale.ROOT);
    }

    /** Whether requests are signed (a region is set). */
    public boolean signs() {
      return region != null;
    }

    /**
     * Every invalid value, each line starting with {@code aws.}; {@link
     * OpenSearchSettings#problems()} includes them, so this is not public (a configuration binder
     * would list them twice).
     */
    List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (region != null && !REGION.matcher(region).matches()) {
        problems.add("aws.region: '" + region + "' is not an AWS region such as eu-west-1");
      }
      if (!service.equals(MANAGED) && !service.equals(SERVERLESS)) {
        problems.add(
            "aws.service must be es (a managed domain) or aoss (OpenSearch Serverless), was '"
                + service
                + "'");
      }
      return problems;
    }
  }
}
