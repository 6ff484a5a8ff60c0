package io.traceline.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Writes documents to OpenSearch with the official client: installs the index templates, sends a
 * batch as one versioned bulk request and reports each item's outcome, and deletes expired indices.
 *
 * <p>Documents go as the exact bytes of their Kafka record, through the client's generic API: the
 * typed API would parse and re-serialise them. Every write uses {@code version_type=external} with
 * the revision as version, so a replay or an older revision never replaces a newer one.
 *
 * <p>Thread-safe (the client is). The indexer owns its client and HTTP connections: {@link
 * #close()} releases them.
 */
public final class OpenSearchIndexer implements AutoCloseable {

  private static final String JSON = "application/json";

  private final OpenSearchTransport transport;
  private final OpenSearchGenericClient client;
  private final OpenSearchSettings settings;

  private OpenSearchIndexer(OpenSearchTransport transport, OpenSearchSettings settings) {
    this.transport = transport;
    this.client = new OpenSearchGenericClient(transport);
    this.settings = settings;
  }

  /**
   * An indexer for the given settings. Connects lazily: a cluster that is down fails the first
   * request, not this call.
   *
   * @throws IllegalArgumentException listing every problem of the settings, or when the trust store
   *     cannot be read
   */
  public static OpenSearchIndexer create(OpenSearchSettings settings) {
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
    return new OpenSearchIndexer(transport, settings);
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

  /**
   * Puts the composable index template of every {@link DocKind}; idempotent (a template of the same
   * name is replaced). New indices get the mappings; existing ones keep theirs.
   *
   * @throws OpenSearchUnavailableException when OpenSearch cannot take the request now
   * @throws IllegalStateException when OpenSearch refuses a template
   */
  public void installTemplates() throws OpenSearchUnavailableException {
    for (DocKind kind : DocKind.values()) {
      byte[] template = resource(kind.templateResource());
      String request = "PUT /_index_template/" + kind.alias();
      try (Response response =
          send("PUT", "/_index_template/" + kind.alias(), Map.of(), template)) {
        expect(response, request, 200);
      } catch (IOException e) {
        throw unavailable(request, e);
      }
    }
  }

  /**
   * Sends the documents as one bulk request, each with {@code version_type=external} and its
   * revision as version.
   *
   * @return one result per document, in the order given
   * @throws OpenSearchUnavailableException when the request as a whole failed: nothing of it is
   *     known to be stored, send it all again later
   * @throws IllegalStateException when OpenSearch refuses the request for another reason (e.g. 401,
   *     403): retrying will not help
   */
  public List<ItemResult> index(List<Doc> docs) throws OpenSearchUnavailableException {
    if (docs.isEmpty()) {
      return List.of();
    }
    JsonNode body;
    try (Response response = send("POST", "/_bulk", Map.of(), bulkBody(docs))) {
      expect(response, "POST /_bulk", 200);
      body = readBody(response);
    } catch (IOException e) {
      throw unavailable("POST /_bulk", e);
    }
    JsonNode items = body.path("items");
    if (items.size() != docs.size()) {
      throw new IllegalStateException(
          "bulk response has " + items.size() + " items for " + docs.size() + " documents");
    }
    List<ItemResult> results = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      JsonNode item = items.get(i).path("index");
      int status = item.path("status").asInt();
      JsonNode error = item.path("error");
      String type = error.path("type").asText("");
      String reason = error.isMissingNode() ? "" : type + ": " + error.path("reason").asText("");
      results.add(new ItemResult(docs.get(i), Outcome.classify(status, type), status, reason));
    }
    return results;
  }

  /**
   * Deletes the monthly indices whose whole month ended more than the retention before {@code now}.
   * Retention is done here because the Index State Management plugin is not part of every
   * distribution.
   *
   * @return the names of the deleted indices
   */
  public List<String> deleteExpired(Instant now) throws OpenSearchUnavailableException {
    List<String> existing = new ArrayList<>();
    try (Response response =
        send(
            "GET",
            "/_cat/indices/" + String.join(",", aliasPatterns()),
            Map.of("format", "json", "h", "index"),
            null)) {
      expect(response, "GET /_cat/indices", 200);
      readBody(response).forEach(row -> existing.add(row.path("index").asText()));
    } catch (IOException e) {
      throw unavailable("GET /_cat/indices", e);
    }
    List<String> expired = Retention.expired(existing, now, settings.retention());
    for (String index : expired) {
      try (Response response = send("DELETE", "/" + index, Map.of(), null)) {
        expect(response, "DELETE /" + index, 200, 404);
      } catch (IOException e) {
        throw unavailable("DELETE /" + index, e);
      }
    }
    return expired;
  }

  /**
   * The stored document of {@code kind} with id {@code id} at its highest version (a trace's
   * revisions may sit in two monthly indices; see the README), as JSON, or empty when there is
   * none.
   *
   * @throws OpenSearchUnavailableException when OpenSearch cannot take the request now
   */
  public Optional<byte[]> latest(DocKind kind, String id) throws OpenSearchUnavailableException {
    String request = "GET /" + kind.alias() + "/_search";
    byte[] query;
    try {
      query =
          Json.MAPPER.writeValueAsBytes(
              Map.of(
                  "version",
                  true,
                  "size",
                  10,
                  "query",
                  Map.of("ids", Map.of("values", List.of(id)))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Response response = send("POST", "/" + kind.alias() + "/_search", Map.of(), query)) {
      expect(response, request, 200, 404);
      JsonNode best = null;
      for (JsonNode hit : readBody(response).path("hits").path("hits")) {
        if (best == null || hit.path("_version").asLong() > best.path("_version").asLong()) {
          best = hit;
        }
      }
      return best == null
          ? Optional.empty()
          : Optional.of(Json.MAPPER.writeValueAsBytes(best.path("_source")));
    } catch (IOException e) {
      throw unavailable(request, e);
    }
  }

  private static List<String> aliasPatterns() {
    List<String> patterns = new ArrayList<>();
    for (DocKind kind : DocKind.values()) {
      patterns.add(kind.alias() + "-*");
    }
    return patterns;
  }

  private Response send(String method, String path, Map<String, String> params, byte[] json)
      throws IOException {
    Body body = json == null ? null : Body.from(json, JSON);
    return client.execute(Requests.create(method, path, List.of(), params, body));
  }

  /** The newline-delimited bulk body: an action line and the document's own bytes, per document. */
  static byte[] bulkBody(List<Doc> docs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Doc doc : docs) {
      Map<String, Object> action =
          Map.of(
              "_index", doc.index(),
              "_id", doc.id(),
              "version", doc.version(),
              "version_type", "external");
      try {
        out.write(Json.MAPPER.writeValueAsBytes(Map.of("index", action)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.write('\n');
      out.write(doc.json(), 0, doc.json().length);
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static JsonNode readBody(Response response) throws IOException {
    if (response.getBody().isEmpty()) {
      return Json.MAPPER.missingNode();
    }
    try (Body body = response.getBody().get();
        InputStream in = body.body()) {
      return Json.MAPPER.readTree(in);
    }
  }

  /**
   * Returns when the status is one of {@code accepted}; a 429 or 5xx means OpenSearch cannot take
   * the request now, anything else that it never will (bad request, auth).
   */
  private static void expect(Response response, String request, int... accepted)
      throws OpenSearchUnavailableException {
    int status = response.getStatus();
    for (int ok : accepted) {
      if (status == ok) {
        return;
      }
    }
    String answer = status + " " + response.getReason();
    if (status == 429 || status >= 500) {
      throw new OpenSearchUnavailableException(request + " answered " + answer, null);
    }
    String body = response.getBody().map(Body::bodyAsString).orElse("");
    throw new IllegalStateException(
        request + " refused: " + answer + " " + body.substring(0, Math.min(body.length(), 500)));
  }

  /** The exception for a request that failed as a whole. */
  private static OpenSearchUnavailableException unavailable(String request, IOException cause) {
    return new OpenSearchUnavailableException(
        request + " failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
        cause);
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpenSearchIndexer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }
}
