package io.traceline.ingest.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.ingest.Fixtures;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class SubscriptionDecoderTest {

  private final SubscriptionDecoder decoder = new SubscriptionDecoder();

  @Test
  void decodesTheLambdaPayloadFromRawGzipBytes() {
    DecodeResult result = decoder.decode(Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START));

    assertThat(result).isInstanceOf(DecodeResult.Data.class);
    SubscriptionMessage message = ((DecodeResult.Data) result).message();
    assertThat(message.messageType()).isEqualTo("DATA_MESSAGE");
    assertThat(message.owner()).isEqualTo("123456789012");
    assertThat(message.logGroup()).isEqualTo("/aws/lambda/orders-api");
    assertThat(message.logStream())
        .isEqualTo("2025/11/14/[$LATEST]7f3c9a2e5b8d4f61a0c2e9b7d4a18f35");
    assertThat(message.subscriptionFilters()).containsExactly("orders-logs-to-kinesis");
    assertThat(message.logEvents()).hasSize(7);
    CloudWatchEvent first = message.logEvents().get(0);
    assertThat(first.id()).isEqualTo("39318701540224563135014433036752539929575454882676604928");
    assertThat(first.timestamp()).isEqualTo(1763111554802L);
    assertThat(first.message()).startsWith("INIT_START Runtime Version: python:3.12.v101\t");
    assertThat(first.message()).endsWith("\n");
    CloudWatchEvent report = message.logEvents().get(6);
    assertThat(report.message())
        .contains(
            "Init Duration: 316.22 ms\t\nXRAY TraceId: 1-6916f282-8c41d2a7e5b03f19a6d4c2e1\t");
  }

  @Test
  void decodesTheApiGatewayPayload() {
    DecodeResult result = decoder.decode(Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS));

    assertThat(result).isInstanceOf(DecodeResult.Data.class);
    SubscriptionMessage message = ((DecodeResult.Data) result).message();
    assertThat(message.logGroup()).isEqualTo("/aws/apigateway/orders-api-prod-access");
    assertThat(message.logEvents()).hasSize(3);
    assertThat(message.logEvents().get(1).message()).contains("\"status\":502");
  }

  @Test
  void controlMessageWithEmptyIdIsAControlResult() {
    DecodeResult result = decoder.decode(Fixtures.kinesisData(Fixtures.CONTROL_MESSAGE));

    assertThat(result).isInstanceOf(DecodeResult.Control.class);
    SubscriptionMessage message = ((DecodeResult.Control) result).message();
    assertThat(message.owner()).isEqualTo("CloudwatchLogs");
    assertThat(message.logGroup()).isEmpty();
    assertThat(message.subscriptionFilters()).isEmpty();
    assertThat(message.logEvents()).singleElement().extracting(CloudWatchEvent::id).isEqualTo("");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {Fixtures.LAMBDA_COLD_START, Fixtures.APIGATEWAY_ACCESS, Fixtures.CONTROL_MESSAGE})
  void prettyPrintedJsonDecodesToTheSameMessage(String fixture) {
    DecodeResult fromGzip = decoder.decode(Fixtures.kinesisData(fixture));
    DecodeResult fromJson = decoder.decodeJson(Fixtures.prettyJson(fixture));

    assertThat(fromJson).isEqualTo(fromGzip);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {Fixtures.LAMBDA_COLD_START, Fixtures.APIGATEWAY_ACCESS, Fixtures.CONTROL_MESSAGE})
  void encodeReproducesCloudWatchsCompactJsonByteForByte(String fixture) throws IOException {
    byte[] original = gunzip(Fixtures.kinesisData(fixture));
    SubscriptionMessage message = messageOf(decoder.decode(Fixtures.kinesisData(fixture)));

    byte[] encoded = SubscriptionDecoder.encode(message);

    assertThat(new String(gunzip(encoded), StandardCharsets.UTF_8))
        .startsWith("{\"messageType\":")
        .isEqualTo(new String(original, StandardCharsets.UTF_8));
    assertThat(decoder.decode(encoded)).isEqualTo(decoder.decode(Fixtures.kinesisData(fixture)));
  }

  @Test
  void base64DecodedTwiceIsACleanNotGzipFailure() {
    // The bug: treating the SDK's raw bytes as base64 text, or not decoding the CLI's base64.
    byte[] base64Text =
        Fixtures.base64(Fixtures.LAMBDA_COLD_START).getBytes(StandardCharsets.UTF_8);

    DecodeResult result = decoder.decode(base64Text);

    assertThat(result).isInstanceOf(DecodeResult.Failed.class);
    DecodeResult.Failed failed = (DecodeResult.Failed) result;
    assertThat(failed.reason()).isEqualTo(DecodeFailure.NOT_GZIP);
    assertThat(failed.reason().code()).isEqualTo("not-gzip");
    assertThat(failed.detail()).contains("base64");
  }

  @Test
  void kplAggregatedRecordIsNotGzip() {
    byte[] kpl = {(byte) 0xf3, (byte) 0x89, (byte) 0x9a, (byte) 0xc2, 1, 2, 3};

    assertThat(failure(decoder.decode(kpl)).detail()).contains("KPL");
    assertThat(failure(decoder.decode(kpl)).reason()).isEqualTo(DecodeFailure.NOT_GZIP);
  }

  @Test
  void emptyAndNullRecordsFail() {
    assertThat(failure(decoder.decode(new byte[0])).reason()).isEqualTo(DecodeFailure.EMPTY);
    assertThat(failure(decoder.decode(null)).reason()).isEqualTo(DecodeFailure.EMPTY);
    assertThat(failure(decoder.decodeJson(new byte[0])).reason()).isEqualTo(DecodeFailure.NOT_JSON);
  }

  @Test
  void everyTruncationOfAValidRecordIsTruncatedGzip() {
    byte[] gzip = Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START);

    for (int length = 2; length < gzip.length; length++) {
      DecodeResult result = decoder.decode(Arrays.copyOf(gzip, length));
      assertThat(failure(result).reason())
          .as("cut at %d of %d bytes", length, gzip.length)
          .isEqualTo(DecodeFailure.TRUNCATED_GZIP);
    }
  }

  @Test
  void damagedDeflateDataOrChecksumIsCorruptGzip() {
    byte[] gzip = Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START);
    byte[] badCrc = gzip.clone();
    badCrc[gzip.length - 8] ^= 0x55;
    byte[] badSize = gzip.clone();
    badSize[gzip.length - 1] ^= 0x01;
    byte[] badMethod = gzip.clone();
    badMethod[2] = 7;

    assertThat(failure(decoder.decode(badCrc)).reason()).isEqualTo(DecodeFailure.CORRUPT_GZIP);
    assertThat(failure(decoder.decode(badSize)).reason()).isEqualTo(DecodeFailure.CORRUPT_GZIP);
    assertThat(failure(decoder.decode(badMethod)).reason()).isEqualTo(DecodeFailure.CORRUPT_GZIP);
  }

  @Test
  void flippedBitsNeverThrow() {
    byte[] gzip = Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS);
    for (int i = 0; i < gzip.length; i++) {
      byte[] damaged = gzip.clone();
      damaged[i] ^= (byte) (1 << (i % 8));
      assertThat(decoder.decode(damaged)).isNotNull();
    }
  }

  @Test
  void gzipOfNonJsonIsNotJson() {
    DecodeResult result = decoder.decode(gzip("hello, world\n"));

    assertThat(failure(result).reason()).isEqualTo(DecodeFailure.NOT_JSON);
    assertThat(failure(result).reason().code()).isEqualTo("not-json");
  }

  @Test
  void cutJsonInsideValidGzipIsNotJson() {
    assertThat(failure(decoder.decode(gzip("{\"messageType\":\"DATA_MESSAGE\",\"logE"))).reason())
        .isEqualTo(DecodeFailure.NOT_JSON);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[1,2,3]",
        "\"DATA_MESSAGE\"",
        "{\"foo\":1}",
        "{\"messageType\":\"SOMETHING_ELSE\",\"logEvents\":[]}",
        "{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\"}",
        "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":{}}",
        "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[1]}",
        "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"1\",\"message\":\"m\"}]}",
        "{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":{\"a\":1},\"logEvents\":[]}",
        "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"1\",\"timestamp\":true}]}",
        "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":[],\"timestamp\":1}]}"
      })
  void validJsonOfTheWrongShapeIsNotASubscriptionMessage(String json) {
    DecodeResult result = decoder.decode(gzip(json));

    assertThat(failure(result).reason()).isEqualTo(DecodeFailure.NOT_A_SUBSCRIPTION_MESSAGE);
    assertThat(failure(result).reason().code()).isEqualTo("not-a-subscription-message");
  }

  @Test
  void gzipBombIsBoundedToTooLarge() {
    byte[] bomb = gzip(new byte[20 * 1024 * 1024]); // 20 MiB of zeros, ~20 KiB compressed
    assertThat(bomb.length).isLessThan(64 * 1024);

    DecodeResult result = decoder.decode(bomb);

    assertThat(failure(result).reason()).isEqualTo(DecodeFailure.TOO_LARGE);
    assertThat(failure(result).reason().code()).isEqualTo("too-large");
  }

  @Test
  void boundIsConfigurableAndAppliesToDecodeJsonToo() {
    SubscriptionDecoder small = new SubscriptionDecoder(1024);

    assertThat(failure(small.decode(Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START))).reason())
        .isEqualTo(DecodeFailure.TOO_LARGE);
    assertThat(failure(small.decodeJson(Fixtures.prettyJson(Fixtures.LAMBDA_COLD_START))).reason())
        .isEqualTo(DecodeFailure.TOO_LARGE);
    assertThat(small.decode(Fixtures.kinesisData(Fixtures.CONTROL_MESSAGE)))
        .isInstanceOf(DecodeResult.Control.class);
  }

  @Test
  void toleratesKeyOrderUnknownFieldsAndEmulatorIntegerIds() {
    String json =
        """
        {"owner":"123456789012","policyLevel":"ACCOUNT_LEVEL_POLICY",
         "logEvents":[
           {"message":"a\\n","timestamp":1763111554802,"id":0,"extra":{"x":[1,2]}},
           {"timestamp":"1763111554803","id":"1","message":"b"},
           {"id":39318701540224563135014433036752539929575454882676604928,"timestamp":1,"message":"c"}
         ],
         "@aws.region":"us-east-1",
         "subscriptionFilters":["f"],"logStream":"s","logGroup":"/aws/lambda/x",
         "messageType":"DATA_MESSAGE"}
        """;

    DecodeResult result = decoder.decodeJson(json.getBytes(StandardCharsets.UTF_8));

    SubscriptionMessage message = messageOf(result);
    assertThat(message.logGroup()).isEqualTo("/aws/lambda/x");
    assertThat(message.logEvents())
        .extracting(CloudWatchEvent::id)
        .containsExactly("0", "1", "39318701540224563135014433036752539929575454882676604928");
    assertThat(message.logEvents().get(1).timestamp()).isEqualTo(1763111554803L);
    assertThat(message.logEvents().get(0).message()).isEqualTo("a\n");
  }

  @Test
  void trailingContentAfterTheDocumentIsNotJson() {
    String two =
        "{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[]}"
            + "{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[]}";

    assertThat(failure(decoder.decode(gzip(two))).reason()).isEqualTo(DecodeFailure.NOT_JSON);
  }

  @Test
  void gzipHeaderVariantsDecode() {
    byte[] json = toJson(Fixtures.CONTROL_MESSAGE);
    byte[] deflated = rawDeflate(json);
    // FHCRC | FEXTRA | FNAME | FCOMMENT, OS 0xff, non-zero mtime
    byte[] header = {
      0x1f,
      (byte) 0x8b,
      8,
      2 | 4 | 8 | 16,
      1,
      2,
      3,
      4,
      0,
      (byte) 0xff,
      3,
      0,
      'a',
      'b',
      'c', // FEXTRA: length 3
      'f',
      '.',
      'j',
      's',
      'o',
      'n',
      0, // FNAME
      'h',
      'i',
      0, // FCOMMENT
      0x12,
      0x34 // FHCRC (not verified, as gzip(1) does not either)
    };
    byte[] record = concat(header, deflated, trailer(json));

    assertThat(decoder.decode(record)).isInstanceOf(DecodeResult.Control.class);
  }

  @Test
  void concatenatedMembersAreDecodedOneByOneWithDecodeAll() {
    byte[] lambda = Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START);
    byte[] api = Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS);
    byte[] both = concat(lambda, api, new byte[16]); // trailing zero padding is ignored

    List<DecodeResult> results = decoder.decodeAll(both);

    assertThat(results).hasSize(2).allMatch(r -> r instanceof DecodeResult.Data);
    assertThat(messageOf(results.get(1)).logGroup())
        .isEqualTo("/aws/apigateway/orders-api-prod-access");
    assertThat(failure(decoder.decode(both)).reason()).isEqualTo(DecodeFailure.CONCATENATED_GZIP);
  }

  @Test
  void trailingGarbageAfterAMemberIsReportedAfterTheGoodMember() {
    byte[] record =
        concat(
            Fixtures.kinesisData(Fixtures.CONTROL_MESSAGE),
            "junk".getBytes(StandardCharsets.US_ASCII));

    List<DecodeResult> results = decoder.decodeAll(record);

    assertThat(results).hasSize(2);
    assertThat(results.get(0)).isInstanceOf(DecodeResult.Control.class);
    assertThat(failure(results.get(1)).reason()).isEqualTo(DecodeFailure.TRAILING_DATA);
  }

  @Test
  void damagedSecondMemberNamesItsPosition() {
    byte[] lambda = Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START);
    byte[] api = Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS);
    byte[] record = concat(lambda, Arrays.copyOf(api, api.length - 3));

    List<DecodeResult> results = decoder.decodeAll(record);

    assertThat(results).hasSize(2);
    assertThat(failure(results.get(1)).reason()).isEqualTo(DecodeFailure.TRUNCATED_GZIP);
    assertThat(failure(results.get(1)).detail()).contains("member 2");
  }

  // ---------------------------------------------------------------------------------------------
  // the thread's inflate state: reuse, buffer sizing from the trailer, bounds

  @Test
  void theThreadsInflaterIsReusedAndRecoversFromAFailedRecord() {
    byte[] good = Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START);
    DecodeResult first = decoder.decode(good);
    SubscriptionDecoder.Scratch scratch = SubscriptionDecoder.scratch();

    byte[] cut = Arrays.copyOf(good, good.length / 2); // fails in the middle of the deflate data
    byte[] damaged = good.clone();
    damaged[good.length / 2] ^= 0x55;
    assertThat(failure(decoder.decode(cut)).reason()).isEqualTo(DecodeFailure.TRUNCATED_GZIP);
    assertThat(decoder.decode(damaged)).isInstanceOf(DecodeResult.Failed.class);

    assertThat(decoder.decode(good)).isEqualTo(first);
    assertThat(SubscriptionDecoder.scratch()).isSameAs(scratch);
  }

  @Test
  void sizeHintIsTheTrailersSizeBoundedByWhatDeflateCanExpand() {
    byte[] json = toJson(bigMessage(300 * 1024));
    byte[] gzip = gzip(json);
    int deflateStart = 10;
    int compressed = gzip.length - deflateStart - 8;

    assertThat(SubscriptionDecoder.sizeHint(gzip, deflateStart)).isEqualTo(json.length);
    assertThat(SubscriptionDecoder.sizeHint(withSize(gzip, 0xFFFFFFFFL), deflateStart))
        .isEqualTo((long) compressed * SubscriptionDecoder.MAX_DEFLATE_RATIO);
    assertThat(SubscriptionDecoder.sizeHint(Arrays.copyOf(gzip, 17), deflateStart)).isZero();
  }

  @Test
  void aTruthfulTrailerSizesTheOutputBufferInOneAllocation() throws Exception {
    SubscriptionMessage message = bigMessage(300 * 1024);
    byte[] json = toJson(message);

    int[] bufferLength =
        onNewThread(
            () -> {
              assertThat(
                      messageOf(
                          new SubscriptionDecoder().decode(SubscriptionDecoder.encode(message))))
                  .isEqualTo(message);
              return new int[] {SubscriptionDecoder.scratch().buffer.length};
            });

    // one byte more than announced, so that the end of the deflate stream is seen in one pass
    assertThat(bufferLength[0]).isEqualTo(json.length + 1);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 100, 0xFFFFFFFFL})
  void aLyingTrailerSizeIsOnlyAHintAndStillFailsTheCheck(long claimedSize) {
    SubscriptionMessage message = bigMessage(200 * 1024);
    byte[] lying = withSize(SubscriptionDecoder.encode(message), claimedSize);

    DecodeResult.Failed failed = failure(decoder.decode(lying));

    assertThat(failed.reason()).isEqualTo(DecodeFailure.CORRUPT_GZIP);
    assertThat(failed.detail()).contains("size mismatch");
  }

  @Test
  void aMemberWhoseTrailerIsNotTheLastDecodesWithAWrongHint() {
    // the hint of the first member is the second member's size: far too small
    SubscriptionMessage big = bigMessage(200 * 1024);
    byte[] record =
        concat(SubscriptionDecoder.encode(big), Fixtures.kinesisData(Fixtures.CONTROL_MESSAGE));

    List<DecodeResult> results = decoder.decodeAll(record);

    assertThat(results).hasSize(2);
    assertThat(messageOf(results.get(0))).isEqualTo(big);
    assertThat(results.get(1)).isInstanceOf(DecodeResult.Control.class);
  }

  @Test
  void theBoundHoldsWhenTheThreadsBufferIsLargerThanIt() {
    decoder.decode(SubscriptionDecoder.encode(bigMessage(200 * 1024))); // grows the buffer
    assertThat(SubscriptionDecoder.scratch().buffer.length).isGreaterThan(200 * 1024);
    SubscriptionDecoder small = new SubscriptionDecoder(1024);

    assertThat(failure(small.decode(Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START))).reason())
        .isEqualTo(DecodeFailure.TOO_LARGE);
    byte[] json = Fixtures.prettyJson(Fixtures.LAMBDA_COLD_START);
    assertThat(json.length).isGreaterThan(1024);
    assertThat(failure(small.decodeAll(gzip(json)).get(0)).reason())
        .isEqualTo(DecodeFailure.TOO_LARGE);
  }

  @ParameterizedTest
  @ValueSource(longs = {20L * 1024 * 1024, 10})
  void aGzipBombIsTooLargeWhateverItsTrailerClaims(long claimedSize) {
    byte[] bomb = withSize(gzip(new byte[20 * 1024 * 1024]), claimedSize);

    assertThat(failure(decoder.decode(bomb)).reason()).isEqualTo(DecodeFailure.TOO_LARGE);
  }

  @Test
  void theBoundCountsEveryMemberOfARecord() {
    byte[] control = Fixtures.kinesisData(Fixtures.CONTROL_MESSAGE);
    int size = toJson(Fixtures.CONTROL_MESSAGE).length;
    SubscriptionDecoder twoAndAHalf = new SubscriptionDecoder(size * 5 / 2);

    List<DecodeResult> results = twoAndAHalf.decodeAll(concat(control, control, control));

    assertThat(results).hasSize(3);
    assertThat(results.subList(0, 2)).allMatch(r -> r instanceof DecodeResult.Control);
    assertThat(failure(results.get(2)).reason()).isEqualTo(DecodeFailure.TOO_LARGE);
  }

  @Test
  void aMemberLargerThanTheRetainedBufferIsDecodedButNotKept() throws Exception {
    SubscriptionMessage huge = bigMessage(SubscriptionDecoder.MAX_RETAINED_BUFFER_BYTES * 2);

    int[] bufferLength =
        onNewThread(
            () -> {
              assertThat(
                      messageOf(new SubscriptionDecoder().decode(SubscriptionDecoder.encode(huge))))
                  .isEqualTo(huge);
              return new int[] {SubscriptionDecoder.scratch().buffer.length};
            });

    assertThat(bufferLength[0]).isLessThanOrEqualTo(SubscriptionDecoder.MAX_RETAINED_BUFFER_BYTES);
  }

  @Test
  void threadsDecodeWithStatesOfTheirOwn() throws Exception {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      records.add(SubscriptionDecoder.encode(bigMessage(40 * 1024 * (i + 1))));
    }
    records.add(Fixtures.kinesisData(Fixtures.LAMBDA_COLD_START));
    records.add(Fixtures.kinesisData(Fixtures.APIGATEWAY_ACCESS));
    records.add(Arrays.copyOf(records.get(0), 100)); // a failure between good records
    List<DecodeResult> expected = records.stream().map(decoder::decode).toList();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int shift = t;
        runs.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 30; round++) {
                    for (int i = 0; i < records.size(); i++) {
                      int r = (i + shift + round) % records.size();
                      if (!decoder.decode(records.get(r)).equals(expected.get(r))) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> run : runs) {
        assertThat(run.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static DecodeResult.Failed failure(DecodeResult result) {
    assertThat(result).isInstanceOf(DecodeResult.Failed.class);
    return (DecodeResult.Failed) result;
  }

  private static SubscriptionMessage messageOf(DecodeResult result) {
    if (result instanceof DecodeResult.Data data) {
      return data.message();
    }
    if (result instanceof DecodeResult.Control control) {
      return control.message();
    }
    throw new AssertionError("not decoded: " + result);
  }

  /** A data message of about {@code jsonBytes} bytes of JSON, of ~300-byte escaped lines. */
  private static SubscriptionMessage bigMessage(int jsonBytes) {
    List<CloudWatchEvent> events = new ArrayList<>();
    int size = 0;
    for (int i = 0; size < jsonBytes; i++) {
      String line =
          "{\"level\":\"INFO\",\"message\":\"line "
              + i
              + " caf\u00e9\",\"xray_trace_id\":\"1-6916f260-6a0bc5e0252f9e70910410a9\","
              + "\"path\":\"/orders/"
              + Integer.toHexString(i * 7919)
              + "\",\"padding\":\""
              + "x".repeat(150)
              + "\"}\n";
      events.add(new CloudWatchEvent(String.format("%056d", i), 1_763_111_554_802L + i, line));
      size += line.length() + 120;
    }
    return new SubscriptionMessage(
        SubscriptionMessage.DATA_MESSAGE,
        "123456789012",
        "/aws/lambda/orders-api",
        "2025/11/14/[$LATEST]7f3c9a2e5b8d4f61a0c2e9b7d4a18f35",
        List.of("orders-logs-to-kinesis"),
        events);
  }

  private static byte[] toJson(SubscriptionMessage message) {
    return SubscriptionDecoder.toJson(message);
  }

  /** {@code gzip} (one member) with its trailer's size field replaced. */
  private static byte[] withSize(byte[] gzip, long size) {
    byte[] patched = gzip.clone();
    int p = patched.length - 4;
    for (int i = 0; i < 4; i++) {
      patched[p + i] = (byte) (size >>> (8 * i));
    }
    return patched;
  }

  /** Runs {@code task} on a new thread (a fresh thread-local state) and returns its result. */
  private static <T> T onNewThread(Callable<T> task) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.set(task.call());
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    thread.start();
    thread.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    return result.get();
  }

  private static byte[] toJson(String fixture) {
    try {
      return gunzip(Fixtures.kinesisData(fixture));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] gzip(String text) {
    return gzip(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }

  private static byte[] rawDeflate(byte[] data) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    byte[] buffer = new byte[data.length + 64];
    int n = deflater.deflate(buffer);
    deflater.end();
    return Arrays.copyOf(buffer, n);
  }

  private static byte[] trailer(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    long c = crc.getValue();
    int size = data.length;
    return new byte[] {
      (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
      (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)
    };
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
