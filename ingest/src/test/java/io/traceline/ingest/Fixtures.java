package io.traceline.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Test fixtures from {@code src/test/resources/fixtures} (see the README there). */
public final class Fixtures {

  /** Payload #1: Lambda cold start with Powertools JSON and an XRAY REPORT. */
  public static final String LAMBDA_COLD_START = "lambda-cold-start";

  /** Payload #2: API Gateway REST access logs (200, 502, 429). */
  public static final String APIGATEWAY_ACCESS = "apigateway-access";

  /** Payload #3: a CONTROL_MESSAGE with {@code id:""}. */
  public static final String CONTROL_MESSAGE = "control-message";

  private Fixtures() {}

  /**
   * The bytes a Kinesis SDK consumer receives for a fixture: the raw gzip bytes, i.e. the
   * reference's base64 decoded exactly once.
   */
  public static byte[] kinesisData(String name) {
    return Base64.getMimeDecoder().decode(base64(name));
  }

  /** The fixture as the CLI shows it: base64 text (decoding it again is the classic bug). */
  public static String base64(String name) {
    return text("fixtures/cw-subscription/" + name + ".b64").trim();
  }

  /** The decoded document of a fixture, pretty-printed. */
  public static byte[] prettyJson(String name) {
    return bytes("fixtures/cw-subscription/" + name + ".pretty.json");
  }

  public static String text(String resource) {
    return new String(bytes(resource), StandardCharsets.UTF_8);
  }

  public static byte[] bytes(String resource) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
