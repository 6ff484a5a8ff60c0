package io.traceline.sink.opensearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.traceline.model.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS SigV4 through the production path ({@link OpenSearchConnection#open}, the SDK's default
 * credentials chain, the AWS transport and HTTP client) against a local HTTPS server that records
 * what arrives and answers as OpenSearch would. The signature of each received request is computed
 * again here, independently of the SDK, from the secret key and what the server received: a match
 * proves the right credentials, region, service and body were signed and nothing signed changed on
 * the way. The server's certificate is self-signed and trusted through the settings' trust store.
 * The credentials are AWS's documented example keys, given as the system properties the default
 * chain reads first.
 */
@Timeout(60)
class AwsSigningTest {

  private static final String ACCESS_KEY = "AKIDEXAMPLE";
  private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final String REGION = "eu-west-1";
  private static final String STORE_PASSWORD = "test-only";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([a-z0-9-]+)/([a-z]+)/aws4_request,"
              + " SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");

  @TempDir static Path dir;

  private static Path trustStore;
  private static SSLContext serverTls;
  private static String previousAccessKey;
  private static String previousSecretKey;

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpsServer server;

  /** A request as the server saw it. */
  @SuppressWarnings("ArrayRecordComponent") // the body is only read, never compared
  private record Received(String method, URI uri, Map<String, List<String>> headers, byte[] body) {

    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }
  }

  @BeforeAll
  static void certificateAndCredentials() throws Exception {
    Path serverStore = dir.resolve("node.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "node",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                serverStore.toString(),
                "-storepass",
                STORE_PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), UTF_8);
    assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    KeyStore keys = KeyStore.getInstance(serverStore.toFile(), STORE_PASSWORD.toCharArray());
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, STORE_PASSWORD.toCharArray());
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(keyManagers.getKeyManagers(), null, null);

    // The client trusts the server's certificate alone, as it would trust a private CA.
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("node", keys.getCertificate("node"));
    trustStore = dir.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      trust.store(out, STORE_PASSWORD.toCharArray());
    }

    previousAccessKey = System.setProperty("aws.accessKeyId", ACCESS_KEY);
    previousSecretKey = System.setProperty("aws.secretAccessKey", SECRET_KEY);
  }

  @AfterAll
  static void restoreCredentials() {
    restore("aws.accessKeyId", previousAccessKey);
    restore("aws.secretAccessKey", previousSecretKey);
  }

  private static void restore(String property, String previous) {
    if (previous == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, previous);
    }
  }

  @BeforeEach
  void startServer() throws IOException {
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    server = HttpsServer.create(new InetSocketAddress(loopback, 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  /** Records the request and answers like OpenSearch (bulk, cat, root), or 403 for /forbidden. */
  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      Received request =
          new Received(exchange.getRequestMethod(), exchange.getRequestURI(), headers, body);
      received.add(request);

      String path = exchange.getRequestURI().getPath();
      int status = 200;
      Object answer;
      if (path.equals("/forbidden")) {
        status = 403;
        answer =
            Map.of(
                "message",
                "The request signature we calculated does not match the signature you provided.");
      } else if (path.equals("/_bulk")) {
        ObjectNode bulk = Json.MAPPER.createObjectNode().put("errors", false);
        ArrayNode items = bulk.putArray("items");
        for (String line : new String(plain(request), UTF_8).split("\n", -1)) {
          if (line.isEmpty()) {
            continue;
          }
          String action = Json.MAPPER.readTree(line).fieldNames().next();
          if (action.equals("index") || action.equals("delete")) {
            items.addObject().putObject(action).put("status", 201).put("result", "created");
          }
        }
        answer = bulk;
      } else if (path.startsWith("/_cat/indices")) {
        answer = List.of();
      } else {
        answer = Map.of("version", Map.of("distribution", "opensearch", "number", "2.19.0"));
      }
      byte[] json = Json.MAPPER.writeValueAsBytes(answer);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
      exchange.sendResponseHeaders(status, json.length);
      exchange.getResponseBody().write(json);
    }
  }

  /** The body as sent before compression (the transport gzips bodies above 8 KiB). */
  private static byte[] plain(Received request) throws IOException {
    if ("gzip".equals(request.header("content-encoding"))) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(request.body()))) {
        return in.readAllBytes();
      }
    }
    return request.body();
  }

  private OpenSearchSettings settings(String service) {
    return OpenSearchSettings.of(URI.create("https://127.0.0.1:" + server.getAddress().getPort()))
        .withTrustStore(trustStore, STORE_PASSWORD)
        .withAws(REGION, service);
  }

  @Test
  void aManagedDomainGetsEverySignedRequestForEs() throws Exception {
    long start = Instant.parse("2026-11-21T10:15:30Z").toEpochMilli();
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      docs.add(
          Documents.of(
              DocKind.TIMELINE,
              null,
              Fixtures.timelineJson("a" + String.format("%031x", i), 1, start)));
    }

    try (OpenSearchIndexer indexer = OpenSearchIndexer.create(settings(null))) {
      assertThat(indexer.index(docs)).extracting(ItemResult::outcome).containsOnly(Outcome.INDEXED);
      assertThat(indexer.deleteExpired(Instant.parse("2026-11-21T12:00:00Z"))).isEmpty();
    }

    assertThat(received).hasSize(2);
    Received bulk = received.get(0);
    assertThat(bulk.method()).isEqualTo("POST");
    assertThat(bulk.uri().getPath()).isEqualTo("/_bulk");
    assertThat(bulk.header("content-encoding"))
        .as("a body above 8 KiB is gzipped")
        .isEqualTo("gzip");
    assertThat(new String(plain(bulk), UTF_8)).startsWith("{\"index\":").contains(docs.get(5).id());
    Received cat = received.get(1);
    assertThat(cat.method()).isEqualTo("GET");
    assertThat(cat.uri().getRawQuery()).contains("format=json");
    for (Received request : received) {
      assertSignedBy(request, "es");
      assertThat(request.header("authorization")).doesNotStartWith("Basic");
    }
  }

  @Test
  void aServerlessCollectionIsSignedForAossWithThePayloadHash() throws Exception {
    try (OpenSearchConnection connection = OpenSearchConnection.open(settings("aoss"))) {
      assertThat(connection.json("GET", "/", Map.of(), null, 200).path("version").path("number"))
          .hasToString("\"2.19.0\"");
    }

    Received root = received.get(0);
    assertSignedBy(root, "aoss");
    assertThat(root.header("x-amz-content-sha256"))
        .as("the hash of the empty body")
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void aRefusedSignatureIsAReplyLikeAnyOtherStatus() throws Exception {
    try (OpenSearchConnection connection = OpenSearchConnection.open(settings("es"))) {
      OpenSearchConnection.Reply reply = connection.send("GET", "/forbidden", Map.of(), null);

      assertThat(reply.status()).isEqualTo(403);
      assertThatThrownBy(() -> reply.expect(200))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("GET /forbidden refused: 403")
          .hasMessageContaining("signature we calculated does not match");
    }
  }

  @Test
  void withoutARegionTheSameTrustStoreServesBasicAuthAndNothingIsSigned() throws Exception {
    OpenSearchSettings settings =
        OpenSearchSettings.of(URI.create("https://127.0.0.1:" + server.getAddress().getPort()))
            .withTrustStore(trustStore, STORE_PASSWORD)
            .withBasicAuth("sink", "test-only");

    try (OpenSearchConnection connection = OpenSearchConnection.open(settings)) {
      assertThat(connection.send("GET", "/", Map.of(), null).status()).isEqualTo(200);
    }

    Received root = received.get(0);
    assertThat(root.header("authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("sink:test-only".getBytes(UTF_8)));
    assertThat(root.header("x-amz-date")).isNull();
    assertThat(root.header("x-amz-content-sha256")).isNull();
  }

  @Test
  void signingSettingsAreCheckedBeforeAnyConnection() {
    OpenSearchSettings plainHttp =
        OpenSearchSettings.of(URI.create("http://127.0.0.1:9200")).withAws(REGION, null);

    assertThatThrownBy(() -> OpenSearchConnection.open(plainHttp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be https when signing with AWS");
  }

  /**
   * Asserts the request's {@code Authorization} header names the test credentials, today's scope in
   * the region and the service, signs host, date and payload hash, and holds the signature computed
   * here from what the server received.
   */
  private static void assertSignedBy(Received request, String service) throws Exception {
    String authorization = request.header("authorization");
    Matcher m = AUTHORIZATION.matcher(String.valueOf(authorization));
    assertThat(m.matches()).as(authorization).isTrue();
    String amzDate = request.header("x-amz-date");
    Instant signedAt = Instant.from(AMZ_DATE.parse(amzDate));
    assertThat(signedAt).isBetween(Instant.now().minusSeconds(300), Instant.now().plusSeconds(5));
    assertThat(m.group(1)).isEqualTo(ACCESS_KEY);
    assertThat(m.group(2)).isEqualTo(amzDate.substring(0, 8));
    assertThat(m.group(3)).isEqualTo(REGION);
    assertThat(m.group(4)).isEqualTo(service);
    List<String> signedHeaders = List.of(m.group(5).split(";"));
    assertThat(signedHeaders).contains("host", "x-amz-date", "x-amz-content-sha256");
    assertThat(request.header("x-amz-content-sha256")).isEqualTo(hex(sha256(request.body())));

    String scope = m.group(2) + "/" + REGION + "/" + service + "/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonicalRequest(request, signedHeaders).getBytes(UTF_8)));
    byte[] key = ("AWS4" + SECRET_KEY).getBytes(UTF_8);
    for (String part : List.of(m.group(2), REGION, service, "aws4_request")) {
      key = hmac(key, part);
    }
    assertThat(m.group(6))
        .as("the signature of what the server received")
        .isEqualTo(hex(hmac(key, stringToSign)));
  }

  /**
   * SigV4's canonical request as the service computes it from what it received. For services other
   * than S3 the path is encoded twice: once on the wire, and each segment of that once more here
   * ({@code *} sent as is becomes {@code %2A}, a {@code %2A} sent becomes {@code %252A}).
   */
  private static String canonicalRequest(Received request, List<String> signedHeaders) {
    StringBuilder path = new StringBuilder();
    for (String segment : request.uri().getRawPath().split("/", -1)) {
      if (path.length() > 0 || !segment.isEmpty()) {
        path.append('/');
      }
      path.append(encode(segment));
    }
    TreeMap<String, String> query = new TreeMap<>();
    String rawQuery = request.uri().getRawQuery();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&", -1)) {
        String[] kv = pair.split("=", 2);
        query.put(
            encode(URLDecoder.decode(kv[0], UTF_8)),
            encode(URLDecoder.decode(kv.length > 1 ? kv[1] : "", UTF_8)));
      }
    }
    StringBuilder canonical = new StringBuilder();
    canonical.append(request.method()).append('\n');
    canonical.append(path.length() == 0 ? "/" : path).append('\n');
    List<String> params = new ArrayList<>();
    query.forEach((k, v) -> params.add(k + "=" + v));
    canonical.append(String.join("&", params)).append('\n');
    for (String name : signedHeaders) {
      String value = request.header(name);
      assertThat(value).as("signed header " + name + " arrived").isNotNull();
      canonical.append(name).append(':').append(value.trim().replaceAll(" +", " ")).append('\n');
    }
    canonical.append('\n').append(String.join(";", signedHeaders)).append('\n');
    canonical.append(request.header("x-amz-content-sha256"));
    return canonical.toString();
  }

  /** RFC 3986 percent-encoding of everything but the unreserved characters. */
  private static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static byte[] sha256(byte[] data) throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(UTF_8));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
