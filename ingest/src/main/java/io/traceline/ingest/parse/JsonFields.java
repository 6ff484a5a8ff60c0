package io.traceline.ingest.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import io.traceline.model.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-pass reader of JSON objects that keeps only the members whose names it was built with, in
 * slots indexed by name: what the line parsers need of a JSON line, without the {@code JsonNode}
 * tree ({@code LinkedHashMap} puts and gets per member) that {@code readTree} builds for every
 * line. Objects under a kept name are read the same way (any depth); other values are skipped.
 *
 * <p>It answers what {@code readTree} would for those members: the same JSON is accepted or
 * rejected (the whole text is still tokenised, nothing after the root object is read), a duplicate
 * name keeps its last value, and numbers become the {@code JsonNode} numbers the tree would hold
 * (so their text form and conversions are the tree's). Immutable and thread-safe once built; a read
 * {@link Obj} is not shared.
 *
 * <p>The text is read as UTF-8 bytes, by Jackson's byte parser: encoding a line (a vectorised copy
 * for ASCII) and reading the bytes is faster than Jackson's reader over the line's chars (names are
 * matched four bytes at a time). Each thread encodes into buffers of its own ({@link Utf8}). Text
 * that UTF-8 cannot carry exactly (a lone surrogate) or that is very long is read as chars, as
 * before.
 */
final class JsonFields {

  /** Slot value of a JSON {@code null}. */
  private static final Object NULL = new Object();

  /** Slot value of an array (kept only as "present, not a scalar, not an object"). */
  private static final Object ARRAY = new Object();

  /**
   * The project's JSON factory, except that byte input is always UTF-8 (what {@link Utf8} makes).
   */
  private static final JsonFactory FACTORY =
      Json.MAPPER.getFactory().rebuild().disable(JsonFactory.Feature.CHARSET_DETECTION).build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Map<String, Integer> index = new HashMap<>();

  JsonFields(List<String> names) {
    for (String name : names) {
      index.putIfAbsent(name, index.size());
    }
  }

  /** The slot of {@code name}; fails for a name the reader was not built with. */
  int id(String name) {
    Integer id = index.get(name);
    if (id == null) {
      throw new IllegalArgumentException("not a kept JSON member: " + name);
    }
    return id;
  }

  int[] ids(String[] names) {
    int[] ids = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      ids[i] = id(names[i]);
    }
    return ids;
  }

  /** An object without members (as a JSON value that is no object answers every member). */
  Obj empty() {
    return new Obj(new Object[index.size()]);
  }

  /** The object in {@code text}, or null when it is not a JSON object (or not valid JSON). */
  Obj read(String text) {
    Utf8 utf8 = UTF8.get();
    int length = utf8.encode(text);
    // The bytes are only read within this call: a nested read (a JSON string holding JSON) starts
    // after this one has returned, so one buffer per thread is enough.
    try (JsonParser p =
        length >= 0 ? FACTORY.createParser(utf8.bytes, 0, length) : FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      return readObject(p);
    } catch (IOException e) {
      return null; // invalid JSON is expected input here, not an error
    }
  }

  private Obj readObject(JsonParser p) throws IOException {
    Object[] values = new Object[index.size()];
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      Integer id = index.get(p.currentName());
      JsonToken v = p.nextToken();
      if (id == null) {
        skip(p, v);
      } else {
        values[id] = value(p, v);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("unexpected token " + t); // the parser reports bad JSON first
    }
    return new Obj(values);
  }

  private Object value(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      throw new IOException("unexpected end of input");
    }
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p, t);
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> NULL;
      case START_OBJECT -> readObject(p);
      case START_ARRAY -> {
        skip(p, t);
        yield ARRAY;
      }
      default -> throw new IOException("unexpected token " + t);
    };
  }

  /**
   * Skips a value (with its children). Numbers are still converted as the tree would convert them,
   * so that a number the tree rejects (too long) rejects the line here too.
   */
  private static void skip(JsonParser p, JsonToken first) throws IOException {
    if (first == null) {
      throw new IOException("unexpected end of input");
    }
    if (first == JsonToken.VALUE_NUMBER_INT || first == JsonToken.VALUE_NUMBER_FLOAT) {
      number(p, first);
      return;
    }
    if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
      return;
    }
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IOException("unexpected end of input");
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> depth++;
        case END_OBJECT, END_ARRAY -> depth--;
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p, t);
        default -> {
          // names and other scalars: nothing to check
        }
      }
    }
  }

  /** The number node {@code JsonNodeDeserializer} makes with the default features. */
  private static NumericNode number(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      if (p.getNumberTypeFP() == JsonParser.NumberTypeFP.BIG_DECIMAL) {
        return (NumericNode) NODES.numberNode(p.getDecimalValue());
      }
      if (p.getNumberTypeFP() == JsonParser.NumberTypeFP.FLOAT32) {
        return NODES.numberNode(p.getFloatValue());
      }
      return NODES.numberNode(p.getDoubleValue());
    }
    return switch (p.getNumberType()) {
      case INT -> NODES.numberNode(p.getIntValue());
      case LONG -> NODES.numberNode(p.getLongValue());
      default -> (NumericNode) NODES.numberNode(p.getBigIntegerValue());
    };
  }

  private static final ThreadLocal<Utf8> UTF8 = ThreadLocal.withInitial(Utf8::new);

  /** A thread's buffers for {@link #read}: the text's chars, and its UTF-8 bytes. */
  static final class Utf8 {

    /** Longest text read as bytes (64 Ki chars); longer text is read as chars. */
    static final int MAX_CHARS = 64 * 1024;

    private static final int INITIAL_CHARS = 2048;

    private final CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private char[] chars = new char[INITIAL_CHARS];
    private CharBuffer charBuffer = CharBuffer.wrap(chars);
    byte[] bytes = new byte[INITIAL_CHARS * 3];
    private ByteBuffer byteBuffer = ByteBuffer.wrap(bytes);

    /**
     * Encodes {@code text} into {@link #bytes}.
     *
     * @return the number of bytes, or -1 when the text is to be read as chars: too long, or not
     *     well-formed UTF-16 (a lone surrogate, which UTF-8 would replace by {@code ?})
     */
    int encode(String text) {
      int n = text.length();
      if (n > MAX_CHARS) {
        return -1;
      }
      if (n > chars.length) {
        int size = Math.min(MAX_CHARS, Math.max(n, chars.length * 2));
        chars = new char[size];
        charBuffer = CharBuffer.wrap(chars);
        bytes = new byte[size * 3]; // at most 3 bytes per UTF-16 char
        byteBuffer = ByteBuffer.wrap(bytes);
      }
      text.getChars(0, n, chars, 0);
      CharBuffer in = charBuffer;
      in.clear().limit(n);
      ByteBuffer out = byteBuffer;
      out.clear();
      encoder.reset();
      if (encoder.encode(in, out, true).isError() || encoder.flush(out).isError()) {
        return -1;
      }
      return out.position();
    }
  }

  /** The kept members of one JSON object. Not thread-safe (not shared). */
  static final class Obj {

    private final Object[] values;

    private Obj(Object[] values) {
      this.values = values;
    }

    /** Whether the member is present (any value, {@code null} included). */
    boolean has(int id) {
      return values[id] != null;
    }

    /** A scalar member as text (numbers and booleans included); null for the rest. */
    String text(int id) {
      return text(values[id]);
    }

    /** A string member; null for missing members and other types. */
    String string(int id) {
      return values[id] instanceof String s ? s : null;
    }

    /** An object member; null for missing members and other types. */
    Obj object(int id) {
      return values[id] instanceof Obj o ? o : null;
    }

    /** An integral number member ({@code 30}, not {@code 30.0} nor {@code "30"}), or null. */
    NumericNode integral(int id) {
      return values[id] instanceof NumericNode n && n.isIntegralNumber() ? n : null;
    }

    /** The member as it was read (slot value), for {@link #text(Object)}. */
    Object get(int id) {
      return values[id];
    }

    /** The first kept member (in {@code ids} order) whose text is present, or null. */
    String first(int[] ids) {
      for (int id : ids) {
        String value = text(values[id]);
        if (Fields.present(value)) {
          return value;
        }
      }
      return null;
    }

    /** A number given as a JSON number or as a numeric string; null for {@code "-"} and others. */
    Double number(int id) {
      Object value = values[id];
      if (value instanceof NumericNode n) {
        return n.asDouble();
      }
      if (value instanceof String s) {
        return Numbers.decimal(s.trim());
      }
      return null;
    }

    /** Text of a slot value: strings, numbers and booleans; null for null, objects and arrays. */
    static String text(Object value) {
      if (value instanceof String s) {
        return s;
      }
      if (value instanceof NumericNode n) {
        return n.asText();
      }
      if (value instanceof Boolean b) {
        return b.toString();
      }
      return null;
    }
  }
}
