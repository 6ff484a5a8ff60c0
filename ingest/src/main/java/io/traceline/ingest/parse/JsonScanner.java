package io.traceline.ingest.parse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.traceline.ingest.parse.JsonFields.Obj;

/**
 * The fast path of {@link JsonFields#read}: a scanner of plain, valid JSON objects written for the
 * common case, directly on the line's characters (no parser object, no name strings). It only
 * answers when it is sure to answer as Jackson would: anything unusual or invalid (other
 * whitespace, escapes it does not know, numbers Jackson would keep as {@code BigInteger}, very long
 * names, numbers or documents, deep nesting, a literal or number not followed by a delimiter, any
 * syntax error) makes it give up ({@link #read} returns null), and Jackson reads the text instead,
 * so invalid JSON is still judged by Jackson alone. One instance per text; not thread-safe.
 */
final class JsonScanner {

  /** Longest text scanned here; Jackson reads longer ones (and checks its length limits). */
  static final int MAX_TEXT_CHARS = 1 << 20;

  private static final int MAX_DEPTH = 100;
  private static final int MAX_NAME_CHARS = 256;
  private static final int MAX_NUMBER_CHARS = 64;
  private static final int MAX_LONG_DIGITS = 18;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Thrown (without a stack trace: cheap) to give up; caught in {@link #read}. */
  private static final class Unsure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsure() {
      super(null, null, false, false);
    }
  }

  private final JsonFields fields;
  private final String s;
  private final int end;
  private int pos;
  private int depth;

  private JsonScanner(JsonFields fields, String text) {
    this.fields = fields;
    this.s = text;
    this.end = text.length();
  }

  /** The object in {@code text}, or null when this scanner is not sure (Jackson decides then). */
  static Obj read(JsonFields fields, String text) {
    if (text.length() > MAX_TEXT_CHARS) {
      return null;
    }
    JsonScanner scanner = new JsonScanner(fields, text);
    try {
      scanner.skipWhitespace();
      scanner.expect('{');
      return scanner.object();
      // after the root object nothing is read, as with Jackson's readTree
    } catch (Unsure e) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Reads an object after its opening brace, keeping the members the fields name. */
  private Obj object() {
    enter();
    Object[] values = fields.newSlots();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return fields.obj(values);
    }
    while (true) {
      expect('"');
      int id = name();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      if (id < 0) {
        skipValue();
      } else {
        values[id] = value(); // a duplicate name keeps its last value, as in a tree
      }
      skipWhitespace();
      char c = next();
      if (c == '}') {
        depth--;
        return fields.obj(values);
      }
      if (c != ',') {
        throw new Unsure();
      }
      skipWhitespace();
    }
  }

  /** A member name after its opening quote: its slot, or -1 when it is not kept. */
  private int name() {
    int start = pos;
    int hash = 0;
    while (true) {
      char c = peek();
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        pos = start;
        String decoded = string();
        if (decoded.length() > MAX_NAME_CHARS) {
          throw new Unsure();
        }
        return fields.slot(decoded);
      }
      if (c < 0x20) {
        throw new Unsure();
      }
      hash = 31 * hash + c;
      pos++;
    }
    int length = pos - start;
    pos++;
    if (length > MAX_NAME_CHARS) {
      throw new Unsure();
    }
    return fields.slot(s, start, length, hash);
  }

  private Object value() {
    char c = peek();
    switch (c) {
      case '"' -> {
        pos++;
        return string();
      }
      case '{' -> {
        pos++;
        return object();
      }
      case '[' -> {
        pos++;
        skipArray();
        return JsonFields.ARRAY;
      }
      case 't' -> {
        literal("true");
        return true;
      }
      case 'f' -> {
        literal("false");
        return false;
      }
      case 'n' -> {
        literal("null");
        return JsonFields.NULL;
      }
      default -> {
        return number(true);
      }
    }
  }

  private void skipValue() {
    char c = peek();
    switch (c) {
      case '"' -> {
        pos++;
        skipString();
      }
      case '{' -> {
        pos++;
        skipObject();
      }
      case '[' -> {
        pos++;
        skipArray();
      }
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number(false);
    }
  }

  private void skipObject() {
    enter();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return;
    }
    while (true) {
      expect('"');
      skipString();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      skipValue();
      skipWhitespace();
      char c = next();
      if (c == '}') {
        depth--;
        return;
      }
      if (c != ',') {
        throw new Unsure();
      }
      skipWhitespace();
    }
  }

  /** Skips an array after its {@code '['}. */
  private void skipArray() {
    enter();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return;
    }
    while (true) {
      skipValue();
      skipWhitespace();
      char c = next();
      if (c == ']') {
        depth--;
        return;
      }
      if (c != ',') {
        throw new Unsure();
      }
      skipWhitespace();
    }
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw new Unsure();
    }
  }

  /** A string after its opening quote, decoded. */
  private String string() {
    int start = pos;
    int quote = s.indexOf('"', pos);
    if (quote < 0) {
      throw new Unsure();
    }
    int i = plainRun(start, quote);
    if (i == quote) {
      pos = quote + 1;
      return s.substring(start, quote);
    }
    StringBuilder b = new StringBuilder(quote - start + 32).append(s, start, i);
    pos = i;
    while (true) {
      char c = next();
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\') {
        b.append(escape());
      } else if (c < 0x20) {
        throw new Unsure();
      } else {
        int run = plainRun(pos, end);
        b.append(s, pos - 1, run);
        pos = run;
      }
    }
  }

  /** The index of the first quote, backslash or control character in {@code [from, to)}, or to. */
  private int plainRun(int from, int to) {
    int i = from;
    while (i < to) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        break;
      }
      i++;
    }
    return i;
  }

  private void skipString() {
    while (true) {
      char c = next();
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw new Unsure();
      }
      if (c == '\\') {
        escape();
      }
    }
  }

  /** The character of an escape after its backslash. */
  private char escape() {
    char e = next();
    return switch (e) {
      case '"', '\\', '/' -> e;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> {
        int value = 0;
        for (int i = 0; i < 4; i++) {
          value = (value << 4) | hexDigit(next());
        }
        yield (char) value;
      }
      default -> throw new Unsure();
    };
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    } else if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    throw new Unsure();
  }

  /** A literal, which must be followed by whitespace or a delimiter. */
  private void literal(String word) {
    if (!s.startsWith(word, pos)) {
      throw new Unsure();
    }
    pos += word.length();
    delimiterFollows();
  }

  /**
   * A number ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}) as the number node Jackson's
   * tree would hold: an int when it fits, else a long (up to 18 digits), a double for fractions and
   * exponents; null when not {@code keep}.
   */
  private Object number(boolean keep) {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    int digitsStart = pos;
    char c = peek();
    if (c == '0') {
      pos++;
    } else if (c >= '1' && c <= '9') {
      while (pos < end && isDigit(s.charAt(pos))) {
        pos++;
      }
    } else {
      throw new Unsure();
    }
    int intDigits = pos - digitsStart;
    boolean integral = true;
    if (pos < end && s.charAt(pos) == '.') {
      integral = false;
      pos++;
      digits();
    }
    if (pos < end && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      integral = false;
      pos++;
      if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      digits();
    }
    if (pos - start > MAX_NUMBER_CHARS || (integral && intDigits > MAX_LONG_DIGITS)) {
      throw new Unsure();
    }
    delimiterFollows();
    if (!keep) {
      return null;
    }
    String text = s.substring(start, pos);
    if (!integral) {
      return NODES.numberNode(Double.parseDouble(text));
    }
    long value = Long.parseLong(text);
    return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
  }

  private void digits() {
    if (!isDigit(peek())) {
      throw new Unsure();
    }
    while (pos < end && isDigit(s.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void delimiterFollows() {
    char c = peek();
    if (c != ',' && c != '}' && c != ']' && !isWhitespace(c)) {
      throw new Unsure();
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** JSON's whitespace, the only one Jackson accepts between tokens by default. */
  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private void skipWhitespace() {
    while (pos < end && isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= end) {
      throw new Unsure();
    }
    return s.charAt(pos);
  }

  private char next() {
    if (pos >= end) {
      throw new Unsure();
    }
    return s.charAt(pos++);
  }

  private void expect(char c) {
    if (next() != c) {
      throw new Unsure();
    }
  }
}
