package io.traceline.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.ssl.SSLContextBuilder;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * One connection to an OpenSearch cluster, as its settings describe it (endpoints, basic auth or
 * AWS SigV4, a trust store): the official client's transport and its generic API, which sends JSON
 * bodies as given and returns answers unparsed. The indexer writes through it, the read side
 * ({@code traceline serve}, {@code traceline trace}) queries through it.
 *
 * <p>Two transports, one contract: without AWS signing, the client's Apache HttpClient 5 transport
 * over every endpoint; with it, the client's {@code AwsSdk2Transport} over the AWS SDK's HttpClient
 * 5 based client, signing each request with credentials from the SDK's default chain. Either way
 * {@link #send} returns every status as a {@link Reply}.
 *
 * <p>Thread-safe (the client is). Owns its HTTP connections (and, when signing, its credentials
 * provider): {@link #close()} releases them.
 */
public final class OpenSearchConnection implements AutoCloseable {

  private static final String JSON = "application/json";

  private final OpenSearchTransport transport;
  private final List<SdkAutoCloseable> owned;
  private final OpenSearchGenericClient client;
  private final OpenSearchSettings settings;

  /**
   * @param owned what the transport uses but does not close itself ({@code AwsSdk2Transport} leaves
   *     its HTTP client and credentials provider to their creator)
   */
  private OpenSearchConnection(
      OpenSearchTransport transport, List<SdkAutoCloseable> owned, OpenSearchSettings settings) {
    this.transport = transport;
    this.owned = owned;
    this.client = new OpenSearchGenericClient(transport);
    this.settings = settings;
  }

  /**
   * A connection for the given settings. Connects lazily: a cluster that is down fails the first
   * request, not this call.
   *
   * @throws IllegalArgumentException listing every problem of the settings, or when the trust store
   *     cannot be read
   */
  public static OpenSearchConnection open(OpenSearchSettings settings) {
    List<String> problems = settings.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid OpenSearch settings: " + problems);
    }
    KeyStore trust = settings.trustStore() == null ? null : trustStore(settings);
    JsonpMapper mapper = new JacksonJsonpMapper(Json.MAPPER.copy());
    if (settings.aws().signs()) {
      return signed(settings, trust, mapper);
    }
    HttpHost[] hosts =
        settings.endpoints().stream()
            .map(u -> new HttpHost(u.getScheme(), u.getHost(), port(u)))
            .toArray(HttpHost[]::new);
    SSLContext ssl = trust == null ? null : sslContext(trust);
    Timeout timeout = Timeout.of(settings.requestTimeout());
    OpenSearchTransport transport =
        ApacheHttpClient5TransportBuilder.builder(hosts)
            .setMapper(mapper)
            .setRequestConfigCallback(request -> request.setResponseTimeout(timeout))
            .setHttpClientConfigCallback(
                http -> {
                  PoolingAsyncClientConnectionManagerBuilder connections =
                      PoolingAsyncClientConnectionManagerBuilder.create()
                          .setMaxConnPerRoute(
                              ApacheHttpClient5TransportBuilder.DEFAULT_MAX_CONN_PER_ROUTE)
                          .setMaxConnTotal(ApacheHttpClient5TransportBuilder.DEFAULT_MAX_CONN_TOTAL)
                          .setDefaultConnectionConfig(
                              ConnectionConfig.custom().setConnectTimeout(timeout).build());
                  if (ssl != null) {
                    connections.setTlsStrategy(
                        ClientTlsStrategyBuilder.create().setSslContext(ssl).build());
                  }
                  http.setConnectionManager(connections.build());
                  if (settings.username() != null) {
                    BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                    for (HttpHost host : hosts) {
                      credentials.setCredentials(
                          new AuthScope(host),
                          new UsernamePasswordCredentials(
                              settings.username(), settings.password().toCharArray()));
                    }
                    http.setDefaultCredentialsProvider(credentials);
                  }
                  return http;
                })
            .build();
    return new OpenSearchConnection(transport, List.of(), settings);
  }

  /**
   * The SigV4-signing transport for Amazon OpenSearch Service: one endpoint (the domain's or the
   * collection's, load-balanced by AWS), always https. The SDK's client for HttpClient 5 is the
   * HTTP layer, so no second HTTP library is involved; AwsSdk2Transport gzips bodies above 8 KiB,
   * which the service accepts.
   */
  private static OpenSearchConnection signed(
      OpenSearchSettings settings, KeyStore trust, JsonpMapper mapper) {
    URI endpoint = settings.endpoints().get(0);
    String host =
        endpoint.getPort() == -1
            ? endpoint.getHost()
            : endpoint.getHost() + ":" + endpoint.getPort();
    Apache5HttpClient.Builder http =
        Apache5HttpClient.builder()
            .connectionTimeout(settings.requestTimeout())
            .socketTimeout(settings.requestTimeout());
    if (trust != null) {
      TrustManager[] managers = trustManagers(trust);
      http.tlsTrustManagersProvider(() -> managers);
    }
    SdkHttpClient client = http.build();
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    OpenSearchTransport transport =
        new AwsSdk2Transport(
            client,
            host,
            settings.aws().service(),
            Region.of(settings.aws().region()),
            AwsSdk2TransportOptions.builder()
                .setCredentials(credentials)
                .setMapper(mapper)
                .build());
    return new OpenSearchConnection(transport, List.of(client, credentials), settings);
  }

  /** The settings this connection was opened with. */
  public OpenSearchSettings settings() {
    return settings;
  }

  /**
   * Sends one request and reads its whole answer.
   *
   * @param json the body, sent as it is, or null for none
   * @throws OpenSearchUnavailableException when the request failed as a whole (connection refused,
   *     timeout): nothing is known of its effect
   */
  public Reply send(String method, String path, Map<String, String> params, byte[] json)
      throws OpenSearchUnavailableException {
    String request = method + " " + path;
    Body body = json == null ? null : Body.from(json, JSON);
    try (Response response =
        client.execute(Requests.create(method, path, List.of(), params, body))) {
      byte[] answer = new byte[0];
      if (response.getBody().isPresent()) {
        try (Body content = response.getBody().get();
            InputStream in = content.body()) {
          answer = in.readAllBytes();
        }
      }
      return new Reply(request, response.getStatus(), response.getReason(), answer);
    } catch (OpenSearchException e) {
      // AwsSdk2Transport throws on 403 (a bad signature, a missing IAM permission) even for the
      // generic API, which otherwise returns every status: made a reply like the others.
      return new Reply(request, e.status(), e.error().type(), errorBody(e));
    } catch (IOException e) {
      throw new OpenSearchUnavailableException(
          request + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sends a JSON body (any Jackson-writable value) and returns the answer's JSON when its status is
   * one of {@code accepted}.
   *
   * @throws OpenSearchUnavailableException as {@link #send} does, and on 429 or 5xx
   * @throws IllegalStateException on any other status: retrying will not help
   */
  public JsonNode json(
      String method, String path, Map<String, String> params, Object body, int... accepted)
      throws OpenSearchUnavailableException {
    byte[] json;
    try {
      json =
          body == null ? null : body instanceof byte[] b ? b : Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot write the request body of " + method + " " + path, e);
    }
    return send(method, path, params, json).expect(accepted).json();
  }

  /**
   * The stored document of {@code kind} with id {@code id} at its highest version, or empty when
   * there is none: the readers' rule, since a trace's revisions may sit in two monthly indices
   * (README). An alias that does not exist yet reads as empty.
   *
   * @throws OpenSearchUnavailableException when OpenSearch cannot take the request now
   */
  public Optional<JsonNode> latest(DocKind kind, String id) throws OpenSearchUnavailableException {
    JsonNode hits =
        json(
                "POST",
                "/" + kind.alias() + "/_search",
                Map.of(),
                Map.of(
                    "version",
                    true,
                    "size",
                    10,
                    "query",
                    Map.of("ids", Map.of("values", List.of(id)))),
                200,
                404)
            .path("hits")
            .path("hits");
    JsonNode best = null;
    for (JsonNode hit : hits) {
      if (best == null || hit.path("_version").asLong() > best.path("_version").asLong()) {
        best = hit;
      }
    }
    return best == null ? Optional.empty() : Optional.of(best.path("_source"));
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 9200;
  }

  /** The answer OpenSearch gives with such an error, for {@link Reply#expect}'s message. */
  private static byte[] errorBody(OpenSearchException e) {
    try {
      return Json.MAPPER.writeValueAsBytes(
          Map.of(
              "error",
              Map.of("type", e.error().type(), "reason", String.valueOf(e.error().reason())),
              "status",
              e.status()));
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** The trust store (PKCS12 or JKS, told apart by its content). */
  private static KeyStore trustStore(OpenSearchSettings settings) {
    char[] password =
        settings.trustStorePassword() == null ? null : settings.trustStorePassword().toCharArray();
    try {
      return KeyStore.getInstance(settings.trustStore().toFile(), password);
    } catch (IOException | GeneralSecurityException e) {
      // The message names the file, never the password.
      throw new IllegalArgumentException(
          "cannot load the trust store " + settings.trustStore() + ": " + e.getMessage(), e);
    }
  }

  private static SSLContext sslContext(KeyStore trust) {
    try {
      return SSLContextBuilder.create().loadTrustMaterial(trust, null).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the trust store: " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(KeyStore trust) {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the trust store: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      transport.close();
    } finally {
      owned.forEach(SdkAutoCloseable::close);
    }
  }

  /** A whole answer of OpenSearch: its status and its body's bytes. */
  public static final class Reply {

    private final String request;
    private final int status;
    private final String reason;
    private final byte[] body;

    Reply(String request, int status, String reason, byte[] body) {
      this.request = request;
      this.status = status;
      this.reason = reason;
      this.body = body;
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }

    /**
     * This reply when its status is one of {@code accepted}.
     *
     * @throws OpenSearchUnavailableException on 429 or 5xx: OpenSearch cannot take the request now
     * @throws IllegalStateException on any other status (bad request, auth): it never will
     */
    public Reply expect(int... accepted) throws OpenSearchUnavailableException {
      for (int ok : accepted) {
        if (status == ok) {
          return this;
        }
      }
      String answer = status + " " + reason;
      if (status == 429 || status >= 500) {
        throw new OpenSearchUnavailableException(request + " answered " + answer, null);
      }
      String text = new String(body, StandardCharsets.UTF_8);
      throw new IllegalStateException(
          request + " refused: " + answer + " " + text.substring(0, Math.min(text.length(), 500)));
    }

    /**
     * The body as JSON (a missing node when empty).
     *
     * @throws OpenSearchUnavailableException when the body is not JSON (a proxy's error page)
     */
    public JsonNode json() throws OpenSearchUnavailableException {
      if (body.length == 0) {
        return Json.MAPPER.missingNode();
      }
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new OpenSearchUnavailableException(
            request + " answered " + status + " with a body that is not JSON: " + e.getMessage(),
            e);
      }
    }
  }
}
