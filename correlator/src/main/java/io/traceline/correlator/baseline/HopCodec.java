package io.traceline.correlator.baseline;

import io.traceline.model.Timeline.Hop;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * The binary form and the order of a {@link Hop} (a route is a hop too: the entry of a request).
 * Each string is written as its length and its UTF-8 bytes, a null operation as length -1, so the
 * encoding is prefix-free: no route's bytes start with another route's bytes, which makes a prefix
 * scan of one route exact. Stateless and thread-safe.
 */
public final class HopCodec {

  /**
   * By service, then operation (a null operation first): the order hops are kept and flagged in.
   */
  public static final Comparator<Hop> ORDER =
      Comparator.comparing(Hop::service)
          .thenComparing(Hop::operation, Comparator.nullsFirst(Comparator.naturalOrder()));

  private HopCodec() {}

  /** The hop's bytes, as {@link #write} writes them. */
  public static byte[] toBytes(Hop hop) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out, hop);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a hop written by {@link #toBytes}.
   *
   * @throws IllegalArgumentException when the bytes are not exactly one hop
   */
  public static Hop fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      Hop hop = read(in);
      if (in.available() > 0) {
        throw new IllegalArgumentException("bytes after the hop");
      }
      return hop;
    } catch (IOException e) {
      throw new IllegalArgumentException("not a hop: " + e.getMessage(), e);
    }
  }

  static void write(DataOutputStream out, Hop hop) throws IOException {
    writeString(out, hop.service());
    writeString(out, hop.operation());
  }

  /**
   * Reads one hop.
   *
   * @throws IOException when the input ends early
   * @throws IllegalArgumentException when a length is impossible
   */
  static Hop read(DataInputStream in) throws IOException {
    String service = readString(in);
    if (service == null) {
      throw new IllegalArgumentException("a hop without a service");
    }
    return new Hop(service, readString(in));
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.available()) {
      throw new IllegalArgumentException("impossible string length " + length);
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
