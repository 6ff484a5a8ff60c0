package io.traceline.model;

import static io.traceline.model.TraceIdFormat.B3_SINGLE;
import static io.traceline.model.TraceIdFormat.B3_TRACE_ID;
import static io.traceline.model.TraceIdFormat.HEX32;
import static io.traceline.model.TraceIdFormat.W3C_TRACEPARENT;
import static io.traceline.model.TraceIdFormat.XRAY;
import static io.traceline.model.TraceIdFormat.XRAY_HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.traceline.model.TraceIds.Parsed;
import io.traceline.model.TraceIds.Rejected;
import io.traceline.model.TraceIds.Result;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class TraceIdsTest {

  /** The trace of the mapping example in aws-log-formats.md section 4. */
  private static final String T = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  private static final String S = "5b8f2d1c9a3e7046";
  private static final String P = "05e3ac9a4f6e3b90";
  private static final String Z16 = "0000000000000000";
  private static final String Z32 = Z16 + Z16;
  private static final String XRAY_T = "1-6916f282-8c41d2a7e5b03f19a6d4c2e1";
  private static final String W3C_T = "00-" + T + "-" + S + "-01";

  private static final Set<String> DOCUMENTED_REASONS =
      Set.of(
          "empty",
          "too-long",
          "not-hex",
          "all-zero",
          "bad-length",
          "unknown-format",
          "invalid-version",
          "missing-root",
          "sampling-denied",
          "sampling-only",
          "bad-sampling");

  static Stream<Arguments> accepted() {
    return Stream.of(
        // W3C traceparent
        arguments(W3C_T, T, W3C_TRACEPARENT, S, null),
        arguments("00-" + T + "-" + S + "-00", T, W3C_TRACEPARENT, S, null),
        arguments(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            W3C_TRACEPARENT,
            "00f067aa0ba902b7",
            null),
        arguments(W3C_T.toUpperCase(Locale.ROOT), T, W3C_TRACEPARENT, S, null),
        arguments("traceparent: " + W3C_T, T, W3C_TRACEPARENT, S, null),
        arguments("TraceParent:" + W3C_T, T, W3C_TRACEPARENT, S, null),
        arguments("  " + W3C_T + "\r\n", T, W3C_TRACEPARENT, S, null),
        arguments("01-" + T + "-" + S + "-01", T, W3C_TRACEPARENT, S, null),
        arguments("cc-" + T + "-" + S + "-01-what-the-future-holds", T, W3C_TRACEPARENT, S, null),
        arguments("cc-" + T + "-" + S + "-09-", T, W3C_TRACEPARENT, S, null),
        // plain 32 hex
        arguments(T, T, HEX32, null, null),
        arguments(T.toUpperCase(Locale.ROOT), T, HEX32, null, null),
        arguments("6916F2828c41d2A7e5b03f19a6d4c2E1", T, HEX32, null, null),
        arguments(
            "0000000000000000000000000000000a",
            "0000000000000000000000000000000a",
            HEX32,
            null,
            null),
        arguments("\t" + T + " ", T, HEX32, null, null),
        // bare X-Ray id
        arguments(XRAY_T, T, XRAY, null, null),
        arguments(XRAY_T.toUpperCase(Locale.ROOT), T, XRAY, null, null),
        arguments(
            "1-5759e988-bd862e3fe1be46a994272793",
            "5759e988bd862e3fe1be46a994272793",
            XRAY,
            null,
            null),
        arguments(
            "1-b5a9daed-357f662c2c285cf280b61d38",
            "b5a9daed357f662c2c285cf280b61d38",
            XRAY,
            null,
            null),
        arguments(
            "1-916f282-8c41d2a7e5b03f19a6d4c2e1",
            "0916f2828c41d2a7e5b03f19a6d4c2e1",
            XRAY,
            null,
            null),
        arguments(
            "1-1-8c41d2a7e5b03f19a6d4c2e1", "000000018c41d2a7e5b03f19a6d4c2e1", XRAY, null, null),
        arguments(
            "1-00000000-8c41d2a7e5b03f19a6d4c2e1",
            "000000008c41d2a7e5b03f19a6d4c2e1",
            XRAY,
            null,
            null),
        // X-Ray header: the reference's examples
        arguments(
            "Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e1;Parent=5b8f2d1c9a3e7046;Sampled=1",
            T,
            XRAY_HEADER,
            S,
            null),
        arguments(
            "X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
            "5759e988bd862e3fe1be46a994272793",
            XRAY_HEADER,
            "53995c3f42cd8ad8",
            null),
        arguments(
            "Root=1-67891233-abcdef012345678912345678",
            "67891233abcdef012345678912345678",
            XRAY_HEADER,
            null,
            null),
        arguments(
            "Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678",
            "67891233abcdef012345678912345678",
            XRAY_HEADER,
            null,
            null),
        arguments(
            "Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;"
                + "CalledFrom=app",
            "67891233abcdef012345678912345678",
            XRAY_HEADER,
            null,
            null),
        arguments(
            "Root=1-64d38018-6a56d23a731e0cbe6ed85687;Parent=1e4dbd311c45e826;Sampled=0;"
                + "Lineage=037bed70:0",
            "64d380186a56d23a731e0cbe6ed85687",
            XRAY_HEADER,
            "1e4dbd311c45e826",
            null),
        arguments(
            "Root=1-b5a9daed-357f662c2c285cf280b61d38;Parent=6654c0335342e1d2;Sampled=1;"
                + "Lineage=1:fe460cdd:0",
            "b5a9daed357f662c2c285cf280b61d38",
            XRAY_HEADER,
            "6654c0335342e1d2",
            null),
        // X-Ray header: order, whitespace, sampling, odd keys
        arguments("Root=" + XRAY_T + ";Parent=" + S + ";Sampled=?", T, XRAY_HEADER, S, null),
        arguments("Sampled=1;Parent=" + S + ";Root=" + XRAY_T, T, XRAY_HEADER, S, null),
        arguments("Parent=" + S + ";Root=" + XRAY_T, T, XRAY_HEADER, S, null),
        arguments(
            " Root = " + XRAY_T + " ; Parent =\t" + S + " ;  Sampled = 1 ",
            T,
            XRAY_HEADER,
            S,
            null),
        arguments(";;Root=" + XRAY_T + ";;Parent=" + S + ";", T, XRAY_HEADER, S, null),
        arguments("root=" + XRAY_T + ";parent=" + S, T, XRAY_HEADER, S, null),
        arguments("x-amzn-trace-id:Root=" + XRAY_T, T, XRAY_HEADER, null, null),
        arguments("Root=" + XRAY_T + ";garbage;Parent=" + S, T, XRAY_HEADER, S, null),
        arguments("Root=" + XRAY_T + ";Parent=5B8F2D1C9A3E7046", T, XRAY_HEADER, S, null),
        arguments(
            "Root=1-916f282-8c41d2a7e5b03f19a6d4c2e1",
            "0" + T.substring(1),
            XRAY_HEADER,
            null,
            null),
        arguments(
            "Root=" + XRAY_T + ";Root=1-5759e988-bd862e3fe1be46a994272793",
            T,
            XRAY_HEADER,
            null,
            null),
        arguments("Root=" + XRAY_T + ";Parent=5b8f2d1c9a3e704", T, XRAY_HEADER, null, null),
        arguments("Root=" + XRAY_T + ";Parent=5b8f2d1c9a3e70zz", T, XRAY_HEADER, null, null),
        arguments("Root=" + XRAY_T + ";Parent=" + Z16, T, XRAY_HEADER, null, null),
        arguments("Root=" + XRAY_T + ";Parent=;Sampled=", T, XRAY_HEADER, null, null),
        arguments("Root=" + XRAY_T + ";Self=1-x;Foo=bar=baz", T, XRAY_HEADER, null, null),
        // B3 single header
        arguments(T + "-" + S + "-1", T, B3_SINGLE, S, null),
        arguments(T + "-" + S, T, B3_SINGLE, S, null),
        arguments(T + "-" + S + "-0", T, B3_SINGLE, S, null),
        arguments(T + "-" + S + "-d", T, B3_SINGLE, S, null),
        arguments(T + "-" + S + "-1-" + P, T, B3_SINGLE, S, P),
        arguments(
            "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
            "80f198ee56343ba864fe8b2a57d3eff7",
            B3_SINGLE,
            "e457b5a2e4d86bd1",
            P),
        arguments(
            "a3ce929d0e0e4736-00f067aa0ba902b7-1",
            Z16 + "a3ce929d0e0e4736",
            B3_SINGLE,
            "00f067aa0ba902b7",
            null),
        arguments("b3: " + T + "-" + S + "-1", T, B3_SINGLE, S, null),
        arguments("B3:" + T + "-" + S, T, B3_SINGLE, S, null),
        arguments((T + "-" + S + "-D-" + P).toUpperCase(Locale.ROOT), T, B3_SINGLE, S, P),
        arguments(T + "-" + S + "-1-" + Z16, T, B3_SINGLE, S, null));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("accepted")
  void parsesEveryAcceptedForm(
      String input, String traceId, TraceIdFormat format, String spanId, String parentSpanId) {
    assertThat(TraceIds.parse(input)).isEqualTo(new Parsed(traceId, format, spanId, parentSpanId));
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        // empty
        arguments(null, "empty"),
        arguments("", "empty"),
        arguments("   ", "empty"),
        arguments("\t\r\n", "empty"),
        arguments("b3: ", "empty"),
        arguments("traceparent:", "empty"),
        arguments("X-Amzn-Trace-Id:  ", "empty"),
        arguments("Root=;Parent=" + S, "empty"),
        // too long
        arguments("a".repeat(513), "too-long"),
        arguments("Root=" + XRAY_T + ";Foo=" + "x".repeat(500), "too-long"),
        // not hex
        arguments("z".repeat(32), "not-hex"),
        arguments("6916f2828c41d2a7e5b03f19a6d4c2eg", "not-hex"),
        arguments("hello", "not-hex"),
        arguments("x", "not-hex"),
        arguments("0g-" + T + "-" + S + "-01", "not-hex"),
        arguments("00-6916f2828c41d2a7e5b03f19a6d4c2ez-" + S + "-01", "not-hex"),
        arguments("00-" + T + "-5b8f2d1c9a3e704z-01", "not-hex"),
        arguments("00-" + T + "-" + S + "-0g", "not-hex"),
        arguments("1-6916f28z-8c41d2a7e5b03f19a6d4c2e1", "not-hex"),
        arguments("1-6916f282-8c41d2a7e5b03f19a6d4c2ez", "not-hex"),
        arguments("Root=1-zzzzzzzz-8c41d2a7e5b03f19a6d4c2e1", "not-hex"),
        arguments("6916f2828c41d2a7e5b03f19a6d4c2ez-" + S, "not-hex"),
        arguments(T + "-5b8f2d1c9a3e704z", "not-hex"),
        arguments(T + "-" + S + "-1-05e3ac9a4f6e3b9z", "not-hex"),
        // all zero
        arguments(Z32, "all-zero"),
        arguments("00-" + Z32 + "-" + S + "-01", "all-zero"),
        arguments("00-" + T + "-" + Z16 + "-01", "all-zero"),
        arguments("1-00000000-000000000000000000000000", "all-zero"),
        arguments("Root=1-0-000000000000000000000000;Parent=" + S, "all-zero"),
        arguments(Z32 + "-" + S + "-1", "all-zero"),
        arguments(Z16 + "-" + S, "all-zero"),
        arguments(T + "-" + Z16 + "-1", "all-zero"),
        // bad length
        arguments(T.substring(1), "bad-length"),
        arguments(T + "a", "bad-length"),
        arguments(S, "bad-length"),
        arguments("abc", "bad-length"),
        arguments("00-" + T + "-" + S + "-01-extra", "bad-length"),
        arguments("00-" + T + "-" + S, "bad-length"),
        arguments("00-" + T, "bad-length"),
        arguments("00-" + T.substring(1) + "-" + S + "-01", "bad-length"),
        arguments("00-" + T + "-" + S + "a-01", "bad-length"),
        arguments("00-" + T + "-" + S + "-1", "bad-length"),
        arguments("01-" + T + "-" + S + "-011", "bad-length"),
        arguments("1-6916f2820-8c41d2a7e5b03f19a6d4c2e1", "bad-length"),
        arguments("1--8c41d2a7e5b03f19a6d4c2e1", "bad-length"),
        arguments("1-6916f282-8c41d2a7e5b03f19a6d4c2e", "bad-length"),
        arguments("1-6916f282-8c41d2a7e5b03f19a6d4c2e1a", "bad-length"),
        arguments("Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e;Parent=" + S, "bad-length"),
        arguments("Root=1", "bad-length"),
        arguments(T + "-5b8f2d1c9a3e704", "bad-length"),
        arguments(T + "-" + S + "-1-05e3ac9a4f6e3b9", "bad-length"),
        // unknown format
        arguments("abc-def", "unknown-format"),
        arguments("-" + T, "unknown-format"),
        arguments("6916f2828c41d2a7e5b0-" + S, "unknown-format"),
        arguments("1-6916f282", "unknown-format"),
        arguments(XRAY_T + "-00", "unknown-format"),
        arguments(T + "-" + S + "-1-" + P + "-1", "unknown-format"),
        arguments("b3: " + T, "unknown-format"),
        arguments("traceparent: " + XRAY_T, "unknown-format"),
        arguments("Root=00-" + T + "-" + S + "-01", "unknown-format"),
        // invalid version
        arguments("ff-" + T + "-" + S + "-01", "invalid-version"),
        arguments("FF-" + T + "-" + S + "-01", "invalid-version"),
        arguments("2-6916f282-8c41d2a7e5b03f19a6d4c2e1", "invalid-version"),
        arguments("Root=2-6916f282-8c41d2a7e5b03f19a6d4c2e1", "invalid-version"),
        // missing root
        arguments("Parent=" + S + ";Sampled=1", "missing-root"),
        arguments("X-Amzn-Trace-Id: Parent=" + S, "missing-root"),
        arguments("X-Amzn-Trace-Id: " + XRAY_T, "missing-root"),
        arguments("Self=1-67891234-12456789abcdef012345678", "missing-root"),
        arguments("Roots=" + XRAY_T, "missing-root"),
        arguments("foo=bar", "missing-root"),
        // B3 sampling without a trace id
        arguments("0", "sampling-denied"),
        arguments("b3: 0", "sampling-denied"),
        arguments("b3:0", "sampling-denied"),
        arguments("1", "sampling-only"),
        arguments("d", "sampling-only"),
        arguments("b3: 1", "sampling-only"),
        arguments("b3: x", "bad-sampling"),
        arguments(T + "-" + S + "-2", "bad-sampling"),
        arguments(T + "-" + S + "-true", "bad-sampling"),
        arguments(T + "-" + S + "--" + P, "bad-sampling"),
        arguments(T + "-" + S + "-" + P, "bad-sampling"));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("rejected")
  void rejectsGarbageWithAReason(String input, String reason) {
    Result result = TraceIds.parse(input);

    assertThat(result).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) result;
    assertThat(rejected.reason()).isEqualTo(reason);
    String expectedInput = input == null ? "" : input.substring(0, Math.min(128, input.length()));
    assertThat(rejected.input()).isEqualTo(expectedInput);
  }

  @Test
  void everyDocumentedReasonIsReachableAndNoOtherIs() {
    Set<String> reasons =
        rejected().map(a -> (String) a.get()[1]).collect(Collectors.toCollection(HashSet::new));

    assertThat(reasons).isEqualTo(DOCUMENTED_REASONS);
  }

  @Test
  void referenceExampleMapsXrayHeaderToTraceparent() {
    Result xray =
        TraceIds.parse(
            "Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e1;Parent=5b8f2d1c9a3e7046;Sampled=1");
    Result w3c = TraceIds.parse("00-6916f2828c41d2a7e5b03f19a6d4c2e1-5b8f2d1c9a3e7046-01");

    assertThat(xray).isInstanceOf(Parsed.class);
    assertThat(w3c).isInstanceOf(Parsed.class);
    Parsed a = (Parsed) xray;
    Parsed b = (Parsed) w3c;
    assertThat(a.traceId()).isEqualTo(b.traceId()).isEqualTo(T);
    assertThat(a.spanId()).isEqualTo(b.spanId()).isEqualTo(S);
  }

  @Test
  void everyFormOfARandomIdNormalisesToTheSameCanonicalId() {
    Random random = new Random(42);
    for (int i = 0; i < 1_000; i++) {
      String trace = randomHex(random, 32);
      String span = randomHex(random, 16);
      String xrayId = "1-" + trace.substring(0, 8) + "-" + trace.substring(8);

      assertThat(TraceIds.parse(trace)).isEqualTo(new Parsed(trace, HEX32, null, null));
      assertThat(TraceIds.parse(xrayId)).isEqualTo(new Parsed(trace, XRAY, null, null));
      assertThat(TraceIds.parse("Root=" + xrayId + ";Parent=" + span + ";Sampled=1"))
          .isEqualTo(new Parsed(trace, XRAY_HEADER, span, null));
      assertThat(TraceIds.parse("00-" + trace + "-" + span + "-01"))
          .isEqualTo(new Parsed(trace, W3C_TRACEPARENT, span, null));
      assertThat(TraceIds.parse(trace + "-" + span + "-1"))
          .isEqualTo(new Parsed(trace, B3_SINGLE, span, null));
      assertThat(TraceIds.parseB3TraceId(trace))
          .isEqualTo(new Parsed(trace, B3_TRACE_ID, null, null));
    }
  }

  @Test
  void longRejectedInputIsCutTo128Characters() {
    String input = "garbage-" + "x".repeat(300);

    Rejected rejected = (Rejected) TraceIds.parse(input);

    assertThat(rejected.input()).hasSize(128).isEqualTo(input.substring(0, 128));
  }

  @Test
  void cuttingRejectedInputNeverSplitsASurrogatePair() {
    String input = "x".repeat(127) + "\uD83D\uDE00" + "y".repeat(10);

    Rejected rejected = (Rejected) TraceIds.parse(input);

    assertThat(rejected.input()).isEqualTo("x".repeat(127));
    assertThat(rejected.reason()).isEqualTo("not-hex");
  }

  @Test
  void inputOfExactly512CharactersIsStillParsed() {
    String header = "Root=" + XRAY_T + ";Pad=";
    String input = header + "x".repeat(512 - header.length());

    assertThat(input).hasSize(512);
    assertThat(TraceIds.parse(input)).isEqualTo(new Parsed(T, XRAY_HEADER, null, null));
  }

  @Test
  void neverThrowsAndOnlyYieldsCanonicalIdsOnMutatedInput() {
    String[] seeds = accepted().map(a -> (String) a.get()[0]).toArray(String[]::new);
    String alphabet = "0123456789abcdefABCDEF-=;: \t1dxR\u00e9\uD83D";
    Random random = new Random(7);
    int parsed = 0;
    int rejected = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder(seeds[random.nextInt(seeds.length)]);
      for (int edits = random.nextInt(4); edits > 0; edits--) {
        int at = random.nextInt(sb.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> sb.insert(at, c);
          case 1 -> sb.delete(at, Math.min(sb.length(), at + 1 + random.nextInt(8)));
          default -> {
            if (at < sb.length()) {
              sb.setCharAt(at, c);
            }
          }
        }
      }
      String input = sb.toString();
      for (Result result : new Result[] {TraceIds.parse(input), TraceIds.parseB3TraceId(input)}) {
        assertThat(result).isNotNull();
        if (result instanceof Parsed p) {
          parsed++;
          assertThat(TraceIds.isCanonical(p.traceId())).as(input).isTrue();
          assertThat(p.format()).isNotNull();
          assertSpanId(p.spanId(), input);
          assertSpanId(p.parentSpanId(), input);
        } else {
          rejected++;
          assertThat(((Rejected) result).reason()).as(input).isIn(DOCUMENTED_REASONS);
        }
      }
    }
    assertThat(parsed).as("mutations that stay valid").isPositive();
    assertThat(rejected).as("mutations that break the input").isPositive();
  }

  private static void assertSpanId(String spanId, String input) {
    if (spanId != null) {
      assertThat(spanId).as(input).hasSize(16).matches("[0-9a-f]{16}").isNotEqualTo(Z16);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          a3ce929d0e0e4736                 | 0000000000000000a3ce929d0e0e4736
          A3CE929D0E0E4736                 | 0000000000000000a3ce929d0e0e4736
          0000000000000001                 | 00000000000000000000000000000001
          6916f2828c41d2a7e5b03f19a6d4c2e1 | 6916f2828c41d2a7e5b03f19a6d4c2e1
          6916F2828C41D2A7E5B03F19A6D4C2E1 | 6916f2828c41d2a7e5b03f19a6d4c2e1
          '  a3ce929d0e0e4736  '           | 0000000000000000a3ce929d0e0e4736
          """)
  void parsesB3TraceIdHeader(String input, String traceId) {
    assertThat(TraceIds.parseB3TraceId(input))
        .isEqualTo(new Parsed(traceId, B3_TRACE_ID, null, null));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          null                                 | empty
          ''                                   | empty
          '   '                                | empty
          a3ce929d0e0e473                      | bad-length
          a3ce929d0e0e47360                    | bad-length
          6916f2828c41d2a7e5b03f19a6d4c2e      | bad-length
          6916f2828c41d2a7e5b03f19a6d4c2e1a    | bad-length
          a3ce929d0e0e473z                     | not-hex
          1-6916f282-8c41d2a7e5b03f19a6d4c2e1  | not-hex
          0000000000000000                     | all-zero
          00000000000000000000000000000000     | all-zero
          """)
  void rejectsBadB3TraceIdHeader(String input, String reason) {
    assertThat(TraceIds.parseB3TraceId(input)).isInstanceOf(Rejected.class);
    assertThat(((Rejected) TraceIds.parseB3TraceId(input)).reason()).isEqualTo(reason);
  }

  @Test
  void rejectsOverlongB3TraceIdHeader() {
    assertThat(TraceIds.parseB3TraceId("a".repeat(513)))
        .isEqualTo(new Rejected("a".repeat(128), "too-long"));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          6916f2828c41d2a7e5b03f19a6d4c2e1  | true
          00000000000000000000000000000001  | true
          6916F2828C41D2A7E5B03F19A6D4C2E1  | false
          00000000000000000000000000000000  | false
          6916f2828c41d2a7e5b03f19a6d4c2e   | false
          6916f2828c41d2a7e5b03f19a6d4c2e1a | false
          6916f2828c41d2a7e5b03f19a6d4c2eg  | false
          ''                                | false
          null                              | false
          """)
  void recognisesCanonicalIds(String value, boolean canonical) {
    assertThat(TraceIds.isCanonical(value)).isEqualTo(canonical);
  }

  @Test
  void parsedIdFeedsTheEventBuilder() {
    Parsed parsed = (Parsed) TraceIds.parse(T + "-" + S + "-1-" + P);

    LogEvent event = LogEvent.builder().id("1").trace(parsed).build();

    assertThat(event.traceId()).isEqualTo(T);
    assertThat(event.traceIdFormat()).isEqualTo(B3_SINGLE);
    assertThat(event.spanId()).isEqualTo(S);
    assertThat(event.parentSpanId()).isEqualTo(P);
  }

  private static String randomHex(Random random, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    sb.setCharAt(length - 1, '1'); // never all zeros
    return sb.toString();
  }
}
