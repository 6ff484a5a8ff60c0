package io.traceline.app.replay;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the JSON values of one file and classifies them, one item at a time.
 *
 * <p>Two modes, chosen from the file's first bytes. A file whose first value opens with a lone
 * <code>&#123;</code> or <code>[</code> on its line is a <em>document</em> (pretty-printed, e.g.
 * the AWS CLI's output, possibly several concatenated): one streaming parser reads it, a
 * get-records document record by record; a syntax error is reported once and ends the file, since
 * nothing after it can be trusted. Any other file is <em>JSON lines</em>: each line is parsed on
 * its own, so a syntax error costs one line. Not thread-safe.
 */
final class JsonFileReader implements Closeable {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
          .build();

  private static final int SNIFF_BYTES = 4096;

  /** Where the parser is inside the current root value. */
  private enum State {
    ROOT,
    ROOT_OBJECT,
    RECORDS,
    ROOT_ARRAY
  }

  private final String source;
  private final InputStream in;
  private final boolean lines;
  private JsonParser parser;
  private State state = State.ROOT;
  private ObjectNode rootFields;
  private boolean sawRecords;
  private ReplayInput.Item pending;
  private boolean done;
  private int index;
  private long lineNumber;

  JsonFileReader(Path file) throws IOException {
    this.source = file.getFileName().toString();
    byte[] head = sniff(file);
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      this.lines = false;
      this.pending =
          new ReplayInput.Bad(
              source,
              source + ":0",
              ReplayInput.Bad.UNSUPPORTED_INPUT,
              "a gzip-compressed file: decompress it first (zcat)");
      this.done = true;
    } else {
      this.lines = !looksLikeDocument(head);
      if (!lines) {
        this.parser = MAPPER.createParser(in);
      }
    }
  }

  /** The next item, or null at the end of the file. */
  ReplayInput.Item next() {
    if (pending != null) {
      ReplayInput.Item item = pending;
      pending = null;
      return item;
    }
    while (!done) {
      try {
        if (parser == null && !nextLine()) {
          done = true;
          break;
        }
        ReplayInput.Item item = step();
        if (item != null) {
          return item;
        }
      } catch (JsonProcessingException | CharConversionException e) {
        return syntaxError(e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return null;
  }

  @Override
  public void close() {
    done = true;
    try {
      closeParser();
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Advances the parser by one step; returns an item when one is complete. */
  private ReplayInput.Item step() throws IOException {
    return switch (state) {
      case ROOT -> atRoot();
      case ROOT_OBJECT -> inRootObject();
      case RECORDS, ROOT_ARRAY -> inArray();
    };
  }

  /** Streams the elements of a {@code Records} array or a root array, one item each. */
  private ReplayInput.Item inArray() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == JsonToken.END_ARRAY) {
      state = state == State.RECORDS ? State.ROOT_OBJECT : State.ROOT;
      return null;
    }
    return classify(readValue(token));
  }

  private ReplayInput.Item atRoot() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      closeParser();
      if (!lines) {
        done = true;
      }
      return null;
    }
    if (token == JsonToken.START_OBJECT) {
      rootFields = MAPPER.createObjectNode();
      sawRecords = false;
      state = State.ROOT_OBJECT;
      return null;
    }
    if (token == JsonToken.START_ARRAY) {
      state = State.ROOT_ARRAY;
      return null;
    }
    return classify(readValue(token));
  }

  /**
   * Reads a root object field by field: a {@code Records} array is streamed element by element,
   * other fields are kept and the whole object classified at its end.
   */
  private ReplayInput.Item inRootObject() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == JsonToken.END_OBJECT) {
      state = State.ROOT;
      return sawRecords ? null : classify(rootFields);
    }
    String name = parser.currentName();
    JsonToken value = parser.nextToken();
    if ("Records".equals(name) && value == JsonToken.START_ARRAY) {
      sawRecords = true;
      state = State.RECORDS;
      return null;
    }
    rootFields.set(name, readValue(value));
    return null;
  }

  private JsonNode readValue(JsonToken token) throws IOException {
    if (token == null) {
      throw new JsonEOFException(parser, null, "Unexpected end-of-input");
    }
    JsonNode node = MAPPER.readTree(parser);
    return node == null ? NullNode.getInstance() : node;
  }

  private ReplayInput.Item classify(JsonNode value) {
    return Shapes.classify(MAPPER, value, source, source + ":" + index++);
  }

  private ReplayInput.Item syntaxError(IOException e) {
    StringBuilder detail = new StringBuilder();
    if (lines) {
      detail.append("line ").append(lineNumber).append(": ");
    }
    if (e instanceof JsonProcessingException jpe) {
      detail.append(jpe.getOriginalMessage());
      JsonLocation at = jpe.getLocation();
      if (!lines && at != null) {
        detail
            .append(" at line ")
            .append(at.getLineNr())
            .append(", column ")
            .append(at.getColumnNr());
      }
    } else {
      detail.append(e.getMessage());
    }
    if (!lines) {
      detail.append("; the rest of the file is skipped");
      done = true;
    }
    try {
      closeParser();
    } catch (IOException ignored) {
      // the parser holds no resource of its own (the stream is closed by close())
    }
    return new ReplayInput.Bad(
        source, source + ":" + index++, ReplayInput.Bad.INVALID_JSON, detail.toString());
  }

  /** JSON-lines mode: opens a parser over the next non-blank line; false at the end. */
  private boolean nextLine() throws IOException {
    while (true) {
      byte[] line = readLine();
      if (line == null) {
        return false;
      }
      lineNumber++;
      if (!isBlank(line)) {
        parser = MAPPER.createParser(line);
        state = State.ROOT;
        return true;
      }
    }
  }

  private byte[] readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b >= 0 && b != '\n') {
      line.write(b);
      b = in.read();
    }
    return line.toByteArray();
  }

  private void closeParser() throws IOException {
    if (parser != null) {
      parser.close();
      parser = null;
    }
    state = State.ROOT;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static byte[] sniff(Path file) throws IOException {
    try (InputStream head = Files.newInputStream(file)) {
      return head.readNBytes(SNIFF_BYTES);
    }
  }

  /**
   * Whether the first value opens with a lone <code>&#123;</code> or <code>[</code> on its line, as
   * pretty-printed JSON does (the AWS CLI prints <code>&#123;</code> then a newline).
   */
  private static boolean looksLikeDocument(byte[] head) {
    int i = 0;
    if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb) {
      i = 3;
    }
    while (i < head.length && isSpace(head[i])) {
      i++;
    }
    if (i == head.length || (head[i] != '{' && head[i] != '[')) {
      return false;
    }
    i++;
    while (i < head.length && (head[i] == ' ' || head[i] == '\t')) {
      i++;
    }
    return i == head.length || head[i] == '\n' || head[i] == '\r';
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }
}
