package io.traceline.app.replay;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads the input files of {@code traceline replay} and yields one raw record per item, the way a
 * Kinesis consumer would receive it. The shape is detected per JSON value, so files may mix them:
 *
 * <ul>
 *   <li>the JSON printed by {@code aws kinesis get-records} ({@code {"Records":[{"SequenceNumber",
 *       "Data",...}],...}}), one document or several concatenated, compact or pretty-printed; a
 *       Lambda Kinesis event ({@code {"Records":[{"kinesis":{"data",...}}]}}) too;
 *   <li>JSON lines each holding a base64 {@code data} or {@code Data} field, also nested as {@code
 *       {"kinesis":{"data"}}} or {@code {"awslogs":{"data"}}} (a Lambda subscription event);
 *   <li>JSON lines of decoded subscription messages ({@code messageType}, {@code logEvents}, ...).
 * </ul>
 *
 * <p>Base64 is decoded exactly once: a {@link Gzip} item holds the gzip bytes of one record. Files
 * are read as a stream of JSON values with Jackson's streaming parser, a get-records document
 * record by record, so big files are not loaded in memory.
 *
 * <p>Never throws on bad content: a value of no known shape, invalid base64 or invalid JSON yields
 * a {@link Bad} item. After a syntax error in JSON-lines input, reading goes on at the next line; a
 * broken pretty-printed document is reported once and the rest of its file skipped. Only I/O errors
 * throw: missing or unreadable files from {@link #open}, read failures as {@link
 * UncheckedIOException}.
 *
 * <p>Not thread-safe. The caller owns the instance and closes it.
 */
public final class ReplayInput implements Iterator<ReplayInput.Item>, Closeable {

  /** One item read from the input. */
  public sealed interface Item permits Gzip, Decoded, Bad {
    /** The file the item came from (its file name). */
    String source();

    /** The Kinesis SequenceNumber when the input has one, else {@code <file>:<index>}. */
    String sequence();
  }

  /**
   * The gzip bytes of one Kinesis record, exactly as an SDK consumer receives them (base64 decoded
   * once).
   *
   * @param data the record data (not copied: do not modify)
   * @param source the file name
   * @param sequence the SequenceNumber, or {@code <file>:<index>}
   * @param arrivalTime when Kinesis received the record ({@code ApproximateArrivalTimestamp}),
   *     epoch ms, or null when the input does not say
   */
  // The contract is the raw bytes, as a consumer receives them; equals/hashCode compare contents.
  @SuppressWarnings("ArrayRecordComponent")
  public record Gzip(byte[] data, String source, String sequence, Long arrivalTime)
      implements Item {
    @Override
    public boolean equals(Object o) {
      return o instanceof Gzip g
          && Arrays.equals(data, g.data)
          && source.equals(g.source)
          && sequence.equals(g.sequence)
          && java.util.Objects.equals(arrivalTime, g.arrivalTime);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(data) + sequence.hashCode();
    }

    @Override
    public String toString() {
      return "Gzip[" + data.length + " bytes, source=" + source + ", sequence=" + sequence + "]";
    }
  }

  /**
   * The JSON of one already decoded subscription message (compact, UTF-8).
   *
   * @param json the message JSON (not copied: do not modify)
   * @param source the file name
   * @param sequence the SequenceNumber, or {@code <file>:<index>}
   */
  @SuppressWarnings("ArrayRecordComponent")
  public record Decoded(byte[] json, String source, String sequence) implements Item {
    @Override
    public boolean equals(Object o) {
      return o instanceof Decoded d
          && Arrays.equals(json, d.json)
          && source.equals(d.source)
          && sequence.equals(d.sequence);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(json) + sequence.hashCode();
    }

    @Override
    public String toString() {
      return "Decoded[" + json.length + " bytes, source=" + source + ", sequence=" + sequence + "]";
    }
  }

  /**
   * A value that is none of the known shapes; goes to the dead-letter queue.
   *
   * @param source the file name
   * @param sequence the SequenceNumber when one was read, else {@code <file>:<index>}
   * @param reason one of the reason constants, for counters and DLQ headers
   * @param detail what was wrong, for humans (at most 300 characters)
   */
  public record Bad(String source, String sequence, String reason, String detail) implements Item {

    /** The file or value is not valid JSON. */
    public static final String INVALID_JSON = "invalid-json";

    /** A data field is not valid base64 (or not a string). */
    public static final String INVALID_BASE64 = "invalid-base64";

    /** A data field is empty. */
    public static final String EMPTY_DATA = "empty-data";

    /** Valid JSON of no known shape. */
    public static final String UNKNOWN_SHAPE = "unknown-shape";

    /** A file in a format replay does not read (e.g. a gzip-compressed file). */
    public static final String UNSUPPORTED_INPUT = "unsupported-input";

    public Bad {
      detail = detail == null ? "" : detail.length() > 300 ? detail.substring(0, 300) : detail;
    }
  }

  private final List<Path> files;
  private int nextFile;
  private JsonFileReader current;
  private Item lookahead;

  private ReplayInput(List<Path> files) {
    this.files = List.copyOf(files);
  }

  /**
   * Opens the files, read in the given order.
   *
   * @throws NoSuchFileException if a file does not exist
   * @throws AccessDeniedException if a file is not a readable regular file
   */
  public static ReplayInput open(List<Path> files) throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      if (!Files.exists(file)) {
        throw new NoSuchFileException(file.toString());
      }
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        problems.add(file.toString());
      }
    }
    if (!problems.isEmpty()) {
      throw new AccessDeniedException(
          String.join(", ", problems), null, "not a readable regular file");
    }
    return new ReplayInput(files);
  }

  /** Opens one file. */
  public static ReplayInput open(Path file) throws IOException {
    return open(List.of(file));
  }

  @Override
  public boolean hasNext() {
    while (lookahead == null) {
      if (current == null) {
        if (nextFile == files.size()) {
          return false;
        }
        current = openFile(files.get(nextFile++));
      }
      lookahead = current.next();
      if (lookahead == null) {
        closeCurrent();
      }
    }
    return true;
  }

  @Override
  public Item next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Item item = lookahead;
    lookahead = null;
    return item;
  }

  @Override
  public void close() {
    closeCurrent();
    nextFile = files.size();
  }

  private static JsonFileReader openFile(Path file) {
    try {
      return new JsonFileReader(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void closeCurrent() {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
