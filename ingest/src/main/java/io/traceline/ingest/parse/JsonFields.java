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
import java.util.Arrays;
import java.util.Collection;
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
 * <p>An array is kept only as "present", except under a name given as a key-value list: an array of
 * OTLP/JSON {@code KeyValue}s ({@code [{"key":"k","value":{"stringValue":"v"}}]}, as OTLP/JSON
 * writes attributes) is then read as if it were the object {@code {"k":"v"}} ({@link
 * Obj#keyValues(int)}): the scalar of each value ({@code stringValue}, {@code intValue}, {@code
 * doubleValue}, {@code boolValue}) under its key, for the keys the reader was built with. The JSON
 * accepted stays the same: such an array is still tokenised whole.
 *
 * <p>An object's slots are an array indexed by name; most of the parse's allocation. Names built as
 * rare (members only some kinds of lines hold, such as span records' {@code startTimeUnixNano})
 * take the last slots, which an object allocates only when it holds one of them.
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

  /**
   * Slots of an object without any of the rare names: theirs come last, and an object grows its
   * slots to all of them only when it holds one, so rare names cost other lines nothing.
   */
  private final int commonSlots;

  /** Per slot: whether an array under that name is read as a key-value list. */
  private final boolean[] keyValueList;

  JsonFields(List<String> names) {
    this(names, List.of(), List.of());
  }

  /**
   * A reader of {@code names} and {@code rareNames} (names few lines hold: their slots are only
   * allocated in an object that holds one); an array under one of {@code keyValueLists} (names
   * among the others) is read as a list of OTLP/JSON {@code KeyValue}s.
   */
  JsonFields(List<String> names, List<String> rareNames, Collection<String> keyValueLists) {
    for (String name : names) {
      index.putIfAbsent(name, index.size());
    }
    commonSlots = index.size();
    for (String name : rareNames) {
      index.putIfAbsent(name, index.size());
    }
    keyValueList = new boolean[index.size()];
    for (String name : keyValueLists) {
      keyValueList[id(name)] = true;
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
    Object[] values = new Object[commonSlots];
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      Integer id = index.get(p.currentName());
      JsonToken v = p.nextToken();
      if (id == null) {
        skip(p, v);
      } else {
        if (id >= values.length) {
          values = Arrays.copyOf(values, index.size()); // a rare name: all slots
        }
        values[id] = value(p, v, id);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("unexpected token " + t); // the parser reports bad JSON first
    }
    return new Obj(values);
  }

  private Object value(JsonParser p, JsonToken t, int id) throws IOException {
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
        if (keyValueList[id]) {
          yield new KeyValues(readKeyValues(p));
        }
        skip(p, t);
        yield ARRAY;
      }
      default -> throw new IOException("unexpected token " + t);
    };
  }

  /**
   * The elements of an array (its start read) taken as OTLP/JSON {@code KeyValue}s: each {@code
   * {"key":k,"value":{"<type>Value":v}}} puts the scalar {@code v} under {@code k} when {@code k}
   * is a kept name (a value that is no scalar puts JSON null). Other elements, and other members,
   * are skipped.
   */
  private Obj readKeyValues(JsonParser p) throws IOException {
    Object[] values = new Object[index.size()];
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        skip(p, t); // throws at the end of input
        continue;
      }
      String key = null;
      Object value = NULL;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("key".equals(name) && v == JsonToken.VALUE_STRING) {
          key = p.getText();
        } else if ("value".equals(name) && v == JsonToken.START_OBJECT) {
          value = anyValue(p);
        } else {
          skip(p, v);
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new IOException("unexpected token " + t);
      }
      Integer id = key == null ? null : index.get(key);
      if (id != null) {
        values[id] = value;
      }
    }
    return new Obj(values);
  }

  /** The scalar of an OTLP/JSON {@code AnyValue} (its start read), or {@link #NULL}. */
  private static Object anyValue(JsonParser p) throws IOException {
    Object value = NULL;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      JsonToken v = p.nextToken();
      switch (v == null ? JsonToken.NOT_AVAILABLE : v) {
        case VALUE_STRING -> value = p.getText();
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> value = number(p, v);
        case VALUE_TRUE -> value = true;
        case VALUE_FALSE -> value = false;
        default -> skip(p, v); // arrayValue, kvlistValue, null: no scalar (throws at the end)
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("unexpected token " + t);
    }
    return value;
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

  /** Slot value of an array read as a key-value list: present, neither a scalar nor an object. */
  private record KeyValues(Obj values) {}

  /** The kept members of one JSON object. Not thread-safe (not shared). */
  static final class Obj {

    /** Slot values by id; may end before the rare names' slots (then all are missing). */
    private final Object[] values;

    private Obj(Object[] values) {
      this.values = values;
    }

    private Object slot(int id) {
      Object[] v = values;
      return id < v.length ? v[id] : null;
    }

    /** Whether the member is present (any value, {@code null} included). */
    boolean has(int id) {
      return slot(id) != null;
    }

    /** A scalar member as text (numbers and booleans included); null for the rest. */
    String text(int id) {
      return text(slot(id));
    }

    /** A string member; null for missing members and other types. */
    String string(int id) {
      return slot(id) instanceof String s ? s : null;
    }

    /** An object member; null for missing members and other types. */
    Obj object(int id) {
      return slot(id) instanceof Obj o ? o : null;
    }

    /**
     * A member read as a key-value list (an array under a name the reader was built to read so), as
     * an object of its keys; null for missing members and other types.
     */
    Obj keyValues(int id) {
      return slot(id) instanceof KeyValues kv ? kv.values() : null;
    }

    /** An integral number member ({@code 30}, not {@code 30.0} nor {@code "30"}), or null. */
    NumericNode integral(int id) {
      return slot(id) instanceof NumericNode n && n.isIntegralNumber() ? n : null;
    }

    /** The member as it was read (slot value), for {@link #text(Object)}. */
    Object get(int id) {
      return slot(id);
    }

    /** The first kept member (in {@code ids} order) whose text is present, or null. */
    String first(int[] ids) {
      for (int id : ids) {
        String value = text(slot(id));
        if (Fields.present(value)) {
          return value;
        }
      }
      return null;
    }

    /** A number given as a JSON number or as a numeric string; null for {@code "-"} and others. */
    Double number(int id) {
      Object value = slot(id);
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
