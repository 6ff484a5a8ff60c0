package io.traceline.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.ssl.SSLContextBuilder;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * One connection to an OpenSearch cluster, as its settings describe it (endpoints, basic auth, a
 * trust store): the official client's transport and its generic API, which sends JSON bodies as
 * given and returns answers unparsed. The indexer writes through it, the read side ({@code
 * traceline serve}, {@code traceline trace}) queries through it.
 *
 * <p>Thread-safe (the client is). Owns its HTTP connections: {@link #close()} releases them.
 */
public final class OpenSearchConnection implements AutoCloseable {

  private static final String JSON = "application/json";

  private final OpenSearchTransport transport;
  private final OpenSearchGenericClient client;
  private final OpenSearchSettings settings;

  private OpenSearchConnection(OpenSearchTransport transport, OpenSearchSettings settings) {
    this.transport = transport;
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
    HttpHost[] hosts =
        settings.endpoints().stream()
            .map(u -> new HttpHost(u.getScheme(), u.getHost(), port(u)))
            .toArray(HttpHost[]::new);
    SSLContext ssl = settings.trustStore() == null ? null : sslContext(settings);
    Timeout timeout = Timeout.of(settings.requestTimeout());
    OpenSearchTransport transport =
        ApacheHttpClient5TransportBuilder.builder(hosts)
            .setMapper(new JacksonJsonpMapper(Json.MAPPER.copy()))
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
    return new OpenSearchConnection(transport, settings);
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

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 9200;
  }

  private static SSLContext sslContext(OpenSearchSettings settings) {
    char[] password =
        settings.trustStorePassword() == null ? null : settings.trustStorePassword().toCharArray();
    try {
      return SSLContextBuilder.create().loadTrustMaterial(settings.trustStore(), password).build();
    } catch (IOException | GeneralSecurityException e) {
      // The message names the file, never the password.
      throw new IllegalArgumentException(
          "cannot load the trust store " + settings.trustStore() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    transport.close();
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
