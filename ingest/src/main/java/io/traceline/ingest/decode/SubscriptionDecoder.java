package io.traceline.ingest.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

/**
 * Decodes CloudWatch Logs subscription payloads as a Kinesis consumer receives them: the record's
 * data is <b>raw gzip bytes</b> (SDK consumers get bytes; only the CLI and Lambda event sources
 * show base64). One Kinesis record holds one gzip member holding one JSON document.
 *
 * <p>Never throws on bad input: every problem becomes a {@link DecodeResult.Failed} with a {@link
 * DecodeFailure} reason. Tolerates any key order, unknown fields at both levels, pretty-printed
 * JSON, gzip header variants (mtime, OS byte, FNAME/FEXTRA/FCOMMENT/FHCRC), {@code id:""} on
 * control messages and integer ids from emulators (kept as their decimal text; an id never goes
 * through a number). The decompressed size is bounded ({@link #DEFAULT_MAX_DECOMPRESSED_BYTES}
 * unless told otherwise) against gzip bombs.
 *
 * <p>Concatenated gzip members (Firehose-to-S3 style) are decoded member by member with {@link
 * #decodeAll}; {@link #decode} expects exactly one member, as Kinesis delivers, and reports {@code
 * concatenated-gzip} otherwise.
 *
 * <p>Immutable and thread-safe. Each thread that decodes keeps one {@link Inflater}, one output
 * buffer and one {@link CRC32} in a thread-local {@link Scratch} and reuses them for every member
 * it inflates (see {@link #inflateMember}): a new zlib stream and a new, then grown, output buffer
 * per record were about 15% of the decode's time. The buffer is sized from the gzip trailer ({@link
 * #sizeHint}), and the JSON is parsed from it without a copy.
 */
public final class SubscriptionDecoder {

  /** Default bound on the decompressed bytes of one record: 16 MiB (a Kinesis record is 1 MiB). */
  public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;

  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
  private static final int GZIP_HEADER_BYTES = 10;
  private static final int GZIP_TRAILER_BYTES = 8;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int FRESERVED = 0xE0;

  /**
   * Most bytes one byte of deflate data can decompress to (a length-258 match costs at least 2
   * bits): 1032. Bounds what a gzip trailer's size field is believed.
   */
  static final int MAX_DEFLATE_RATIO = 1032;

  /** Size of a thread's output buffer before any record asked for more: 64 KiB. */
  static final int INITIAL_BUFFER_BYTES = 64 * 1024;

  /**
   * Largest output buffer a thread keeps between records: 1 MiB. A larger member (allowed up to the
   * bound) gets a buffer of its own, dropped after the record.
   */
  static final int MAX_RETAINED_BUFFER_BYTES = 1024 * 1024;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final int maxDecompressedBytes;

  /** A decoder with the default bound. */
  public SubscriptionDecoder() {
    this(DEFAULT_MAX_DECOMPRESSED_BYTES);
  }

  /**
   * A decoder with a custom bound.
   *
   * @param maxDecompressedBytes most decompressed bytes accepted per record (all members)
   */
  public SubscriptionDecoder(int maxDecompressedBytes) {
    if (maxDecompressedBytes <= 0) {
      throw new IllegalArgumentException("maxDecompressedBytes must be positive");
    }
    this.maxDecompressedBytes = maxDecompressedBytes;
  }

  /**
   * Decodes one Kinesis record's data: raw gzip bytes of exactly one subscription message.
   *
   * @return the decoded message or the failure; never null
   */
  public DecodeResult decode(byte[] gzip) {
    List<DecodeResult> all = decodeAll(gzip);
    if (all.size() == 1) {
      return all.get(0);
    }
    return new DecodeResult.Failed(
        DecodeFailure.CONCATENATED_GZIP,
        all.size() + " gzip members in one record (Firehose style); decode them with decodeAll");
  }

  /**
   * Decodes every gzip member of {@code gzip}, one result per member, in order. A failure stops the
   * walk (the next member's start is unknown after damage), so the last result may be a failure
   * after successful ones. Trailing zero padding is ignored.
   *
   * @return at least one result; never null
   */
  public List<DecodeResult> decodeAll(byte[] gzip) {
    if (gzip == null || gzip.length == 0) {
      return List.of(new DecodeResult.Failed(DecodeFailure.EMPTY, "empty record"));
    }
    if (!isGzipMagic(gzip, 0)) {
      return List.of(new DecodeResult.Failed(DecodeFailure.NOT_GZIP, describeNotGzip(gzip)));
    }
    Scratch scratch = SCRATCH.get();
    DecodeResult only = null; // the usual case: one member, no list to build
    List<DecodeResult> results = null;
    int offset = 0;
    int budget = maxDecompressedBytes;
    int member = 0;
    while (offset < gzip.length) {
      DecodeResult result;
      int next;
      if (!isGzipMagic(gzip, offset)) {
        if (allZero(gzip, offset)) {
          break;
        }
        result =
            new DecodeResult.Failed(
                DecodeFailure.TRAILING_DATA,
                (gzip.length - offset)
                    + " bytes after gzip member "
                    + member
                    + " at offset "
                    + offset
                    + " are not a gzip member");
        next = -1;
      } else {
        member++;
        Member inflated = inflateMember(gzip, offset, budget, scratch);
        if (inflated.failure != null) {
          String where =
              member == 1 ? "" : " (gzip member " + member + " at offset " + offset + ")";
          result =
              new DecodeResult.Failed(inflated.failure.reason(), inflated.failure.detail() + where);
          next = -1;
        } else {
          budget -= inflated.length;
          // parsed straight from the thread's buffer, before the next member overwrites it
          result = decodeJson(inflated.bytes, inflated.length);
          next = inflated.next;
        }
      }
      if (only == null) {
        only = result;
      } else {
        if (results == null) {
          results = new ArrayList<>(4);
          results.add(only);
        }
        results.add(result);
      }
      if (next < 0) {
        break;
      }
      offset = next;
    }
    return results != null ? List.copyOf(results) : List.of(only);
  }

  /**
   * Decodes an already-decompressed subscription message (replay of decoded documents, tests).
   *
   * @return the decoded message or the failure; never null
   */
  public DecodeResult decodeJson(byte[] json) {
    if (json == null || json.length == 0) {
      return new DecodeResult.Failed(DecodeFailure.NOT_JSON, "empty document");
    }
    if (json.length > maxDecompressedBytes) {
      return new DecodeResult.Failed(
          DecodeFailure.TOO_LARGE,
          json.length + " bytes exceed the bound of " + maxDecompressedBytes + " bytes");
    }
    return decodeJson(json, json.length);
  }

  /**
   * Encodes a message as CloudWatch Logs does: gzip of compact JSON with the real key order ({@code
   * messageType, owner, logGroup, logStream, subscriptionFilters, logEvents}; events as {@code id,
   * timestamp, message}). Used by tests and the demo workload generator.
   */
  public static byte[] encode(SubscriptionMessage message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(toJson(message));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams do not fail
    }
    return bytes.toByteArray();
  }

  /** The compact JSON document of {@link #encode}, without gzip. */
  public static byte[] toJson(SubscriptionMessage message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (JsonGenerator json = FACTORY.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("messageType", message.messageType());
      if (message.owner() != null) {
        json.writeStringField("owner", message.owner());
      }
      json.writeStringField("logGroup", message.logGroup());
      json.writeStringField("logStream", message.logStream());
      json.writeArrayFieldStart("subscriptionFilters");
      for (String filter : message.subscriptionFilters()) {
        json.writeString(filter);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("logEvents");
      for (CloudWatchEvent event : message.logEvents()) {
        json.writeStartObject();
        json.writeStringField("id", event.id());
        json.writeNumberField("timestamp", event.timestamp());
        json.writeStringField("message", event.message());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  // ---------------------------------------------------------------------------------------------
  // gzip

  private static boolean isGzipMagic(byte[] data, int offset) {
    return data.length - offset >= 2
        && (data[offset] & 0xff) == 0x1f
        && (data[offset + 1] & 0xff) == 0x8b;
  }

  private static boolean allZero(byte[] data, int offset) {
    for (int i = offset; i < data.length; i++) {
      if (data[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String describeNotGzip(byte[] data) {
    String hint;
    if (data.length >= 4 && data[0] == 'H' && data[1] == '4' && data[2] == 's' && data[3] == 'I') {
      hint =
          "looks like base64 of gzip: Kinesis SDK consumers receive raw bytes, decode base64 only"
              + " where the transport is JSON (CLI, Lambda event)";
    } else if (data.length >= 4
        && (data[0] & 0xff) == 0xf3
        && (data[1] & 0xff) == 0x89
        && (data[2] & 0xff) == 0x9a
        && (data[3] & 0xff) == 0xc2) {
      hint = "KPL aggregated record (magic f3899ac2); CloudWatch Logs does not aggregate";
    } else if (data[0] == '{' || data[0] == '[') {
      hint = "uncompressed JSON; already-decoded documents go through decodeJson";
    } else {
      hint = "no gzip magic 1f8b";
    }
    return hint + "; first bytes: " + hex(data, Math.min(data.length, 8));
  }

  private static String hex(byte[] data, int n) {
    StringBuilder out = new StringBuilder(n * 2);
    for (int i = 0; i < n; i++) {
      out.append(Character.forDigit((data[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(data[i] & 0xf, 16));
    }
    return out.toString();
  }

  /** One inflated member: bytes [0, length) and the offset after its trailer, or a failure. */
  private static final class Member {
    final byte[] bytes;
    final int length;
    final int next;
    final DecodeResult.Failed failure;

    private Member(byte[] bytes, int length, int next, DecodeResult.Failed failure) {
      this.bytes = bytes;
      this.length = length;
      this.next = next;
      this.failure = failure;
    }

    static Member failed(DecodeFailure reason, String detail) {
      return new Member(null, 0, -1, new DecodeResult.Failed(reason, detail));
    }
  }

  /**
   * A thread's reusable inflate state. Never shared between threads (thread-local), and a thread
   * decodes one member at a time, so nothing here needs a lock. The {@link Inflater} is never
   * {@code end()}ed: its zlib memory (about 40 KiB) is freed by the Inflater's cleaner once the
   * thread is gone.
   */
  static final class Scratch {
    final Inflater inflater = new Inflater(true);
    final CRC32 crc = new CRC32();

    /** The thread's output buffer: at most {@link #MAX_RETAINED_BUFFER_BYTES}. */
    byte[] buffer = new byte[INITIAL_BUFFER_BYTES];

    /**
     * An output buffer of at least {@code wanted} bytes: the thread's own when it is large enough,
     * else a new one, kept for the next records when it is not too large.
     */
    byte[] buffer(int wanted) {
      if (buffer.length >= wanted) {
        return buffer;
      }
      byte[] bigger = new byte[wanted];
      if (wanted <= MAX_RETAINED_BUFFER_BYTES) {
        buffer = bigger;
      }
      return bigger;
    }

    /** A copy of the full buffer {@code full} grown to {@code wanted} bytes. */
    byte[] grow(byte[] full, int wanted) {
      byte[] bigger = Arrays.copyOf(full, wanted);
      if (wanted <= MAX_RETAINED_BUFFER_BYTES) {
        buffer = bigger;
      }
      return bigger;
    }
  }

  /** The calling thread's inflate state (for tests). */
  static Scratch scratch() {
    return SCRATCH.get();
  }

  /**
   * The decompressed size a member starting at {@code offset} announces, believed only as far as
   * deflate allows: the gzip trailer's ISIZE (the last 4 bytes of {@code data}, which end the
   * member when it is the last or only one; otherwise a guess), at most {@link #MAX_DEFLATE_RATIO}
   * times the compressed bytes. Only sizes the output buffer: the real size is whatever inflates,
   * checked against the trailer afterwards, so a lying trailer costs buffer growth (as without a
   * hint) or one buffer larger than needed, never beyond the bound.
   */
  static long sizeHint(byte[] data, int deflateStart) {
    int compressed = data.length - deflateStart - GZIP_TRAILER_BYTES;
    if (compressed <= 0) {
      return 0;
    }
    long isize = readIntLe(data, data.length - 4);
    return Math.min(isize, (long) compressed * MAX_DEFLATE_RATIO);
  }

  private static Member inflateMember(byte[] data, int offset, int budget, Scratch scratch) {
    if (data.length - offset < GZIP_HEADER_BYTES) {
      return Member.failed(
          DecodeFailure.TRUNCATED_GZIP,
          "gzip header cut after " + (data.length - offset) + " of 10 bytes");
    }
    if (data[offset + 2] != 8) {
      return Member.failed(
          DecodeFailure.CORRUPT_GZIP, "unsupported gzip compression method " + data[offset + 2]);
    }
    int flags = data[offset + 3] & 0xff;
    if ((flags & FRESERVED) != 0) {
      return Member.failed(DecodeFailure.CORRUPT_GZIP, "reserved gzip header flags set");
    }
    int p = offset + GZIP_HEADER_BYTES;
    if ((flags & FEXTRA) != 0) {
      if (data.length - p < 2) {
        return Member.failed(DecodeFailure.TRUNCATED_GZIP, "gzip header cut in FEXTRA");
      }
      p += 2 + ((data[p] & 0xff) | ((data[p + 1] & 0xff) << 8));
    }
    if ((flags & FNAME) != 0) {
      p = skipZeroTerminated(data, p);
    }
    if ((flags & FCOMMENT) != 0) {
      p = skipZeroTerminated(data, p);
    }
    if ((flags & FHCRC) != 0) {
      p += 2;
    }
    if (p >= data.length) {
      return Member.failed(DecodeFailure.TRUNCATED_GZIP, "gzip stream ends in its header");
    }
    Inflater inflater = scratch.inflater;
    inflater.reset(); // also after a record that failed half-way
    inflater.setInput(data, p, data.length - p);
    int cap = budget + 1; // one byte more than allowed proves "too large"
    // one byte more than announced, so that a truthful trailer never makes the buffer look full
    byte[] out = scratch.buffer((int) Math.min(cap, sizeHint(data, p) + 1));
    int limit = Math.min(out.length, cap); // a thread's buffer may be larger than this bound
    int length = 0;
    try {
      while (!inflater.finished()) {
        if (length == limit) {
          if (length >= cap) {
            return Member.failed(
                DecodeFailure.TOO_LARGE,
                "decompressed size exceeds the bound of "
                    + budget
                    + " bytes left for this record (gzip bomb?)");
          }
          out = scratch.grow(out, (int) Math.min(cap, length * 2L));
          limit = out.length;
        }
        int n = inflater.inflate(out, length, limit - length);
        length += n;
        if (n == 0 && !inflater.finished() && length < limit) {
          if (inflater.needsInput()) {
            return Member.failed(
                DecodeFailure.TRUNCATED_GZIP,
                "deflate data ends after " + length + " decompressed bytes");
          }
          return Member.failed(DecodeFailure.CORRUPT_GZIP, "deflate stream needs a dictionary");
        }
      }
    } catch (DataFormatException e) {
      return Member.failed(DecodeFailure.CORRUPT_GZIP, "invalid deflate data: " + e.getMessage());
    }
    if (length > budget) {
      return Member.failed(
          DecodeFailure.TOO_LARGE,
          "decompressed size exceeds the bound of " + budget + " bytes left for this record");
    }
    int trailer = data.length - inflater.getRemaining();
    if (data.length - trailer < GZIP_TRAILER_BYTES) {
      return Member.failed(DecodeFailure.TRUNCATED_GZIP, "gzip trailer (CRC32, size) missing");
    }
    CRC32 crc = scratch.crc;
    crc.reset();
    crc.update(out, 0, length);
    long expectedCrc = readIntLe(data, trailer);
    long expectedSize = readIntLe(data, trailer + 4);
    if (crc.getValue() != expectedCrc) {
      return Member.failed(DecodeFailure.CORRUPT_GZIP, "gzip CRC32 mismatch");
    }
    if ((length & 0xffffffffL) != expectedSize) {
      return Member.failed(DecodeFailure.CORRUPT_GZIP, "gzip size mismatch");
    }
    return new Member(out, length, trailer + GZIP_TRAILER_BYTES, null);
  }

  private static int skipZeroTerminated(byte[] data, int p) {
    while (p < data.length && data[p] != 0) {
      p++;
    }
    return p + 1; // past the zero; beyond the end when cut, caught by the caller's bound check
  }

  private static long readIntLe(byte[] data, int p) {
    return (data[p] & 0xffL)
        | ((data[p + 1] & 0xffL) << 8)
        | ((data[p + 2] & 0xffL) << 16)
        | ((data[p + 3] & 0xffL) << 24);
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  /** A shape problem: valid JSON that is not a subscription message. No stack trace. */
  private static final class ShapeException extends Exception {
    private static final long serialVersionUID = 1L;

    ShapeException(String message) {
      super(message, null, false, false);
    }
  }

  private static DecodeResult decodeJson(byte[] json, int length) {
    try (JsonParser parser = FACTORY.createParser(json, 0, length)) {
      SubscriptionMessage message = readMessage(parser);
      if (message == null) {
        return new DecodeResult.Failed(DecodeFailure.NOT_JSON, "empty document (whitespace only)");
      }
      if (parser.nextToken() != null) {
        return new DecodeResult.Failed(
            DecodeFailure.NOT_JSON, "trailing content after the JSON document");
      }
      return message.isControl()
          ? new DecodeResult.Control(message)
          : new DecodeResult.Data(message);
    } catch (ShapeException e) {
      return new DecodeResult.Failed(DecodeFailure.NOT_A_SUBSCRIPTION_MESSAGE, e.getMessage());
    } catch (JsonProcessingException e) {
      return new DecodeResult.Failed(DecodeFailure.NOT_JSON, describe(e));
    } catch (IOException e) {
      return new DecodeResult.Failed(DecodeFailure.NOT_JSON, String.valueOf(e.getMessage()));
    }
  }

  private static String describe(JsonProcessingException e) {
    String where = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
    return e.getOriginalMessage() + where;
  }

  /** The message, or null for an empty (whitespace-only) document. */
  private static SubscriptionMessage readMessage(JsonParser p) throws IOException, ShapeException {
    JsonToken first = p.nextToken();
    if (first == null) {
      return null;
    }
    if (first != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw new ShapeException("document is " + first + ", not an object");
    }
    String messageType = null;
    String owner = null;
    String logGroup = null;
    String logStream = null;
    List<String> filters = null;
    List<CloudWatchEvent> events = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "messageType" -> messageType = string(p, value, name);
        case "owner" -> owner = scalar(p, value, name);
        case "logGroup" -> logGroup = string(p, value, name);
        case "logStream" -> logStream = string(p, value, name);
        case "subscriptionFilters" -> filters = strings(p, value, name);
        case "logEvents" -> events = readEvents(p, value);
        default -> p.skipChildren();
      }
    }
    if (messageType == null) {
      throw new ShapeException("missing messageType");
    }
    boolean data = SubscriptionMessage.DATA_MESSAGE.equals(messageType);
    if (!data && !SubscriptionMessage.CONTROL_MESSAGE.equals(messageType)) {
      throw new ShapeException("unknown messageType " + cut(messageType));
    }
    if (data && events == null) {
      throw new ShapeException("DATA_MESSAGE without logEvents");
    }
    return new SubscriptionMessage(messageType, owner, logGroup, logStream, filters, events);
  }

  private static List<CloudWatchEvent> readEvents(JsonParser p, JsonToken token)
      throws IOException, ShapeException {
    if (token == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (token != JsonToken.START_ARRAY) {
      throw new ShapeException("logEvents is " + token + ", not an array");
    }
    List<CloudWatchEvent> events = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        throw new ShapeException("logEvents[" + events.size() + "] is " + t + ", not an object");
      }
      String id = null;
      Long timestamp = null;
      String message = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "id" -> id = scalar(p, value, "logEvents[].id");
          case "timestamp" -> timestamp = timestamp(p, value);
          case "message" -> message = string(p, value, "logEvents[].message");
          default -> p.skipChildren();
        }
      }
      if (timestamp == null) {
        throw new ShapeException("logEvents[" + events.size() + "] without timestamp");
      }
      events.add(new CloudWatchEvent(id, timestamp, message));
    }
    return events;
  }

  private static String string(JsonParser p, JsonToken token, String field)
      throws ShapeException, IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw new ShapeException(field + " is " + token + ", not a string");
    }
    return p.getText();
  }

  /** A string, or an integer kept as its decimal text (emulators send integer ids). */
  private static String scalar(JsonParser p, JsonToken token, String field)
      throws ShapeException, IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return p.getText(); // the literal digits: never converted to a number
    }
    return string(p, token, field);
  }

  private static Long timestamp(JsonParser p, JsonToken token) throws ShapeException, IOException {
    return switch (token) {
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new ShapeException("logEvents[].timestamp out of range");
        }
        yield p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> (long) p.getDoubleValue();
      case VALUE_STRING -> {
        String text = p.getText().trim();
        if (!text.isEmpty() && text.length() <= 18 && text.chars().allMatch(Character::isDigit)) {
          yield Long.parseLong(text);
        }
        throw new ShapeException("logEvents[].timestamp is not a number: " + cut(text));
      }
      default -> {
        p.skipChildren();
        throw new ShapeException("logEvents[].timestamp is " + token + ", not a number");
      }
    };
  }

  private static List<String> strings(JsonParser p, JsonToken token, String field)
      throws ShapeException, IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.START_ARRAY) {
      p.skipChildren();
      throw new ShapeException(field + " is " + token + ", not an array");
    }
    List<String> values = new ArrayList<>(2);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      String value = string(p, t, field + "[]");
      if (value != null) {
        values.add(value);
      }
    }
    return values;
  }

  private static String cut(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
