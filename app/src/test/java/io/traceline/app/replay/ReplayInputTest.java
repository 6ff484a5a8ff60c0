package io.traceline.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.traceline.app.replay.ReplayInput.Bad;
import io.traceline.app.replay.ReplayInput.Decoded;
import io.traceline.app.replay.ReplayInput.Gzip;
import io.traceline.app.replay.ReplayInput.Item;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplayInputTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<String> SEQUENCES =
      List.of(
          "49668103256712538392615481725384072635128409812536115202",
          "49668103256712538392615481725385281560948024441710821378",
          "49668103256712538392615481725386490486767639070885527554");

  @TempDir Path temp;

  @Test
  void getRecordsDocumentYieldsTheGzipBytesOfEachRecord() throws IOException {
    List<Item> items = readAll(fixture("cw-samples.get-records.json"));

    assertThat(items).hasSize(3).allMatch(Gzip.class::isInstance);
    List<JsonNode> decoded = decodedSamples();
    for (int i = 0; i < 3; i++) {
      Gzip gzip = (Gzip) items.get(i);
      assertThat(gzip.source()).isEqualTo("cw-samples.get-records.json");
      assertThat(gzip.sequence()).isEqualTo(SEQUENCES.get(i));
      assertThat(gzip.data()[0] & 0xff).isEqualTo(0x1f);
      assertThat(gzip.data()[1] & 0xff).isEqualTo(0x8b);
      assertThat(JSON.readTree(gunzip(gzip.data()))).isEqualTo(decoded.get(i));
    }
  }

  @Test
  void dataLinesYieldGzipFromEveryEnvelope() throws IOException {
    List<Item> items = readAll(fixture("cw-samples.data.jsonl"));

    assertThat(items).hasSize(3).allMatch(Gzip.class::isInstance);
    assertThat(items)
        .extracting(Item::sequence)
        .containsExactly(SEQUENCES.get(0), "cw-samples.data.jsonl:1", SEQUENCES.get(2));
    List<JsonNode> decoded = decodedSamples();
    for (int i = 0; i < 3; i++) {
      assertThat(JSON.readTree(gunzip(((Gzip) items.get(i)).data()))).isEqualTo(decoded.get(i));
    }
  }

  @Test
  void decodedLinesYieldTheirJson() throws IOException {
    List<Item> items = readAll(fixture("cw-samples.decoded.jsonl"));

    assertThat(items).hasSize(3).allMatch(Decoded.class::isInstance);
    assertThat(items)
        .extracting(Item::sequence)
        .containsExactly(
            "cw-samples.decoded.jsonl:0",
            "cw-samples.decoded.jsonl:1",
            "cw-samples.decoded.jsonl:2");
    List<JsonNode> decoded = decodedSamples();
    for (int i = 0; i < 3; i++) {
      byte[] json = ((Decoded) items.get(i)).json();
      assertThat(JSON.readTree(json)).isEqualTo(decoded.get(i));
      // The 56-digit ids stay strings.
      assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("\"id\":3");
    }
  }

  @Test
  void badLinesAreReportedAndReadingGoesOnAtTheNextLine() throws IOException {
    List<Item> items = readAll(fixture("bad-lines.jsonl"));

    assertThat(items).hasSize(9);
    assertThat(items.get(0)).isInstanceOf(Gzip.class);
    assertThat(reasons(items.subList(1, 8)))
        .containsExactly(
            Bad.INVALID_BASE64,
            Bad.INVALID_JSON,
            Bad.UNKNOWN_SHAPE,
            Bad.UNKNOWN_SHAPE,
            Bad.EMPTY_DATA,
            Bad.INVALID_BASE64,
            Bad.INVALID_JSON);
    assertThat(items.get(8)).isInstanceOf(Decoded.class);
    assertThat(((Bad) items.get(2)).detail()).startsWith("line 3: ");
    assertThat(((Bad) items.get(7)).detail()).startsWith("line 9: ");
    assertThat(((Bad) items.get(3)).detail()).contains("hello");
    assertThat(items)
        .extracting(Item::sequence)
        .allMatch(s -> s.startsWith("bad-lines.jsonl:"))
        .doesNotHaveDuplicates();
    assertThat(items).allMatch(i -> i.source().equals("bad-lines.jsonl"));
  }

  @Test
  void aBrokenDocumentIsReportedOnce() throws IOException {
    List<Item> items = readAll(fixture("broken-document.json"));

    assertThat(items).hasSize(2);
    assertThat(items.get(0)).isInstanceOf(Gzip.class);
    assertThat(items.get(0).sequence()).isEqualTo(SEQUENCES.get(0));
    Bad bad = (Bad) items.get(1);
    assertThat(bad.reason()).isEqualTo(Bad.INVALID_JSON);
    assertThat(bad.detail()).contains("at line 11").contains("the rest of the file is skipped");
  }

  @Test
  void concatenatedDocumentsInAnyKeyOrderAreAllRead() throws IOException {
    String pretty = Files.readString(fixture("cw-samples.get-records.json"));
    String data = Base64.getEncoder().encodeToString(gzip("{\"messageType\":\"DATA_MESSAGE\"}"));
    String compact =
        "{\"MillisBehindLatest\":0,\"NextShardIterator\":\"x\",\"Records\":[{\"Data\":\""
            + data
            + "\",\"SequenceNumber\":\"7\"}]}";
    Path file =
        write(
            "pages.json",
            pretty + pretty + compact + "\n{\"Records\":[],\"MillisBehindLatest\":0}");

    List<Item> items = readAll(file);

    assertThat(items).hasSize(7).allMatch(Gzip.class::isInstance);
    assertThat(items.get(6).sequence()).isEqualTo("7");
  }

  @Test
  void aRootArrayAndALambdaKinesisEventAreStreamed() throws IOException {
    String data = Base64.getEncoder().encodeToString(gzip("{}"));
    Path file =
        write(
            "mixed.json",
            "[\n  {\"Data\": \""
                + data
                + "\"},\n  {\"messageType\": \"CONTROL_MESSAGE\", \"logEvents\": []}\n]\n"
                + "{\"Records\":[{\"kinesis\":{\"sequenceNumber\":\"11\",\"data\":\""
                + data
                + "\"}}]}\n");

    List<Item> items = readAll(file);

    assertThat(items).hasSize(3);
    assertThat(items.get(0)).isInstanceOf(Gzip.class);
    assertThat(items.get(1)).isInstanceOf(Decoded.class);
    assertThat(items.get(2)).isInstanceOf(Gzip.class);
    assertThat(items.get(2).sequence()).isEqualTo("11");
  }

  @Test
  void aLargeDocumentIsStreamedRecordByRecord() throws IOException {
    String data = Base64.getEncoder().encodeToString(gzip("{\"messageType\":\"DATA_MESSAGE\"}"));
    Path file = temp.resolve("large.json");
    try (var out = Files.newBufferedWriter(file)) {
      out.write("{\n    \"Records\": [\n");
      for (int i = 0; i < 50_000; i++) {
        out.write(i == 0 ? "" : ",\n");
        out.write("        {\"SequenceNumber\": \"" + i + "\", \"Data\": \"" + data + "\"}");
      }
      out.write("\n    ],\n    \"MillisBehindLatest\": 0\n}\n");
    }

    long count = 0;
    try (ReplayInput input = ReplayInput.open(file)) {
      while (input.hasNext()) {
        Item item = input.next();
        assertThat(item).isInstanceOf(Gzip.class);
        assertThat(item.sequence()).isEqualTo(Long.toString(count));
        count++;
      }
    }
    assertThat(count).isEqualTo(50_000);
  }

  @Test
  void unsupportedAndEmptyFiles() throws IOException {
    Path gz = temp.resolve("records.json.gz");
    Files.write(gz, gzip("{\"data\":\"x\"}"));
    Path empty = write("empty.jsonl", "\n\n");

    List<Item> items = readAll(List.of(gz, empty));

    assertThat(items).singleElement().isInstanceOf(Bad.class);
    assertThat(((Bad) items.get(0)).reason()).isEqualTo(Bad.UNSUPPORTED_INPUT);
  }

  @Test
  void filesAreReadInOrderAndMissingOnesFailAtOpen() throws IOException {
    List<Item> items =
        readAll(List.of(fixture("cw-samples.decoded.jsonl"), fixture("cw-samples.data.jsonl")));
    assertThat(items)
        .extracting(Item::source)
        .containsSubsequence("cw-samples.decoded.jsonl", "cw-samples.data.jsonl");
    assertThat(items).hasSize(6);

    assertThatThrownBy(() -> ReplayInput.open(List.of(temp.resolve("missing.json"))))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void iteratorContract() throws IOException {
    try (ReplayInput input = ReplayInput.open(fixture("cw-samples.decoded.jsonl"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(input.hasNext()).isTrue();
        input.next();
      }
      assertThat(input.hasNext()).isFalse();
      assertThatThrownBy(input::next).isInstanceOf(NoSuchElementException.class);
    }
  }

  private static List<String> reasons(List<Item> items) {
    List<String> reasons = new ArrayList<>();
    for (Item item : items) {
      assertThat(item).isInstanceOf(Bad.class);
      reasons.add(((Bad) item).reason());
    }
    return reasons;
  }

  private static List<Item> readAll(Path file) throws IOException {
    return readAll(List.of(file));
  }

  private static List<Item> readAll(List<Path> files) throws IOException {
    List<Item> items = new ArrayList<>();
    try (ReplayInput input = ReplayInput.open(files)) {
      input.forEachRemaining(items::add);
    }
    return items;
  }

  private static List<JsonNode> decodedSamples() throws IOException {
    List<JsonNode> decoded = new ArrayList<>();
    for (String line : Files.readAllLines(fixture("cw-samples.decoded.jsonl"))) {
      decoded.add(JSON.readTree(line));
    }
    return decoded;
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(temp.resolve(name), content);
  }

  private static Path fixture(String name) {
    try {
      return Path.of(ReplayInputTest.class.getResource("/replay/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] gunzip(byte[] data) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
      return in.readAllBytes();
    }
  }
}
