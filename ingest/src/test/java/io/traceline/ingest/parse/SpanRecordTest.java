package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Span records as lines: Zipkin v2 JSON spans and OpenTelemetry spans (CloudWatch Transaction
 * Search's {@code aws/spans} records, OTLP/JSON) become {@code SPAN} events; lines that only name a
 * span id stay what they are; bad records never throw.
 *
 * <p>The Zipkin lines marked "zipkin-production-traces" are spans of {@code
 * shared/datasets/zipkin-production-traces} (openzipkin/zipkin {@code zipkin-lens/testdata}, Apache
 * License 2.0, see the dataset's README and LICENSE), copied unchanged but compacted to one line.
 */
@Timeout(10)
class SpanRecordTest {

  private static final String SPANS = "aws/spans";
  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  // ---------------------------------------------------------------------------------------------
  // OpenTelemetry, as aws/spans holds it

  /** An aws/spans record: resource and span attributes as maps, times as numbers. */
  private static final String AWS_SPANS_SERVER =
      "{\"resource\":{\"attributes\":{\"aws.local.service\":\"orders-api\","
          + "\"service.name\":\"orders-api\",\"cloud.provider\":\"aws\","
          + "\"telemetry.sdk.language\":\"java\",\"deployment.environment.name\":\"ecs:prod\"}},"
          + "\"scope\":{\"name\":\"io.opentelemetry.tomcat-10.0\",\"version\":\"2.10.0-alpha\"},"
          + "\"traceId\":\"6916f2828c41d2a7e5b03f19a6d4c2e1\",\"spanId\":\"5b8f2d1c9a3e7046\","
          + "\"parentSpanId\":\"0efbd19962d95b05\",\"flags\":256,\"name\":\"POST /orders\","
          + "\"kind\":\"SERVER\",\"startTimeUnixNano\":1763111555119432100,"
          + "\"endTimeUnixNano\":1763111555161862533,\"durationNano\":42430433,"
          + "\"attributes\":{\"aws.local.service\":\"orders-api\",\"aws.local.operation\":"
          + "\"POST /orders\",\"aws.span.kind\":\"LOCAL_ROOT\",\"http.request.method\":\"POST\","
          + "\"http.route\":\"/orders\",\"http.response.status_code\":201,"
          + "\"PlatformType\":\"AWS::ECS\"},\"status\":{\"code\":\"UNSET\"}}";

  @Test
  void awsSpansServerSpan() {
    LogEvent e = Lines.parse(SPANS, AWS_SPANS_SERVER);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.HEX32);
    assertThat(e.spanId()).isEqualTo("5b8f2d1c9a3e7046");
    assertThat(e.parentSpanId()).isEqualTo("0efbd19962d95b05");
    assertThat(e.service()).isEqualTo("orders-api");
    assertThat(e.operation()).isEqualTo("POST /orders");
    assertThat(e.timestamp()).isEqualTo(1_763_111_555_119L); // rounded down, not to 120
    assertThat(e.durationMs()).isEqualTo(42.430433); // end - start, fractions kept
    assertThat(e.startTime()).isEqualTo(1_763_111_555_119L);
    assertThat(e.endTime()).isEqualTo(1_763_111_555_161L);
    assertThat(e.status()).isEqualTo("201");
    assertThat(e.level()).isNull();
    assertThat(e.error()).isNull();
    assertThat(e.isError()).isFalse();
    assertThat(e.attributes())
        .containsEntry(LogEvent.SPAN_KIND, "SERVER")
        .doesNotContainKeys(LogEvent.PEER_SERVICE, LineParser.SHARED_SPAN);
    assertThat(e.logGroup()).isEqualTo(SPANS);
    assertThat(e.message()).isEqualTo(AWS_SPANS_SERVER);
  }

  @Test
  void awsSpansClientSpanOfAnXrayTraceWithAnError() {
    // An X-Ray segment converted into aws/spans keeps its 1-8hex-24hex trace id; the remote
    // service is Application Signals' aws.remote.service.
    String line =
        "{\"resource\":{\"attributes\":{\"service.name\":\"checkout-api\"}},"
            + "\"traceId\":\"1-6916f282-8c41d2a7e5b03f19a6d4c2e1\",\"spanId\":\"a1b2c3d4e5f60718\","
            + "\"parentSpanId\":\"5b8f2d1c9a3e7046\",\"name\":\"DynamoDB.PutItem\","
            + "\"kind\":\"CLIENT\",\"startTimeUnixNano\":1763111555120000000,"
            + "\"endTimeUnixNano\":1763111555120430000,\"attributes\":{\"aws.remote.service\":"
            + "\"AWS::DynamoDB\",\"aws.remote.operation\":\"PutItem\",\"rpc.system\":\"aws-api\","
            + "\"error.type\":\"ProvisionedThroughputExceededException\"},"
            + "\"status\":{\"code\":\"ERROR\"}}";

    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY);
    assertThat(e.durationMs()).isEqualTo(0.43); // a sub-millisecond span is no zero
    assertThat(e.service()).isEqualTo("checkout-api");
    assertThat(e.attributes())
        .containsEntry(LogEvent.SPAN_KIND, "CLIENT")
        .containsEntry(LogEvent.PEER_SERVICE, "AWS::DynamoDB");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.status()).isEqualTo("error");
    assertThat(e.error()).isEqualTo("ProvisionedThroughputExceededException");
    assertThat(e.isError()).isTrue();
  }

  @Test
  void durationNanoWhenThereIsNoEnd() {
    String line =
        "{\"traceId\":\"6916f2828c41d2a7e5b03f19a6d4c2e1\",\"spanId\":\"5b8f2d1c9a3e7046\","
            + "\"name\":\"chat\",\"startTimeUnixNano\":1763111555119432100,"
            + "\"durationNano\":2644916837,\"resource\":{\"attributes\":{\"service.name\":"
            + "\"MyAgent.DEFAULT\"}},\"attributes\":{\"http.response.status_code\":200}}";

    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.durationMs()).isEqualTo(2644.916837);
    assertThat(e.parentSpanId()).isNull();
    assertThat(e.service()).isEqualTo("MyAgent.DEFAULT");
    assertThat(e.attributes()).doesNotContainKey(LogEvent.SPAN_KIND); // the record names none
  }

  // ---------------------------------------------------------------------------------------------
  // OpenTelemetry, as OTLP/JSON writes a span

  @Test
  void otlpJsonSpanWithKeyValueAttributesAndNumericEnums() {
    // OTLP/JSON: 64-bit integers as strings, enums as numbers, attributes as KeyValue lists.
    String line =
        "{\"traceId\":\"6916F2828C41D2A7E5B03F19A6D4C2E1\",\"spanId\":\"5B8F2D1C9A3E7046\","
            + "\"parentSpanId\":\"\",\"name\":\"GET /cart\",\"kind\":2,"
            + "\"startTimeUnixNano\":\"1763111555119432100\","
            + "\"endTimeUnixNano\":\"1763111555131999999\","
            + "\"attributes\":[{\"key\":\"http.request.method\",\"value\":{\"stringValue\":\"GET\"}},"
            + "{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"503\"}},"
            + "{\"key\":\"peer.service\",\"value\":{\"stringValue\":\"redis-cart\"}},"
            + "{\"key\":\"tags\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"a\"}]}}}],"
            + "\"droppedAttributesCount\":0,\"events\":[{\"timeUnixNano\":\"1763111555130000000\","
            + "\"name\":\"exception\",\"attributes\":[{\"key\":\"exception.type\",\"value\":"
            + "{\"stringValue\":\"RedisTimeout\"}}]}],"
            + "\"status\":{\"message\":\"upstream timed out\",\"code\":2},"
            + "\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
            + "\"cartservice\"}},{\"key\":\"telemetry.sdk.language\",\"value\":{\"stringValue\":"
            + "\"dotnet\"}}]}}";

    LogEvent e = Lines.parse("/otel/spans", line);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.spanId()).isEqualTo("5b8f2d1c9a3e7046");
    assertThat(e.parentSpanId()).isNull(); // "" is a root span
    assertThat(e.service()).isEqualTo("cartservice");
    assertThat(e.timestamp()).isEqualTo(1_763_111_555_119L);
    assertThat(e.durationMs()).isEqualTo(12.567899);
    assertThat(e.attributes())
        .containsEntry(LogEvent.SPAN_KIND, "SERVER")
        .containsEntry(LogEvent.PEER_SERVICE, "redis-cart");
    assertThat(e.status()).isEqualTo("503");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("upstream timed out");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          "SERVER"                | SERVER
          "SPAN_KIND_CLIENT"      | CLIENT
          "span_kind_producer"    | PRODUCER
          "Consumer"              | CONSUMER
          "INTERNAL"              | INTERNAL
          1                       | INTERNAL
          2                       | SERVER
          3                       | CLIENT
          4                       | PRODUCER
          5                       | CONSUMER
          0                       |
          "SPAN_KIND_UNSPECIFIED" |
          "LOCAL_ROOT"            |
          2.5                     |
          null                    |
          """)
  void spanKinds(String json, String kind) {
    String line =
        "{\"traceId\":\""
            + TRACE
            + "\",\"spanId\":\"5b8f2d1c9a3e7046\",\"kind\":"
            + json
            + ",\"startTimeUnixNano\":1763111555119432100,\"endTimeUnixNano\":1763111555119532100}";

    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.attributes().get(LogEvent.SPAN_KIND)).isEqualTo(kind);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"\"ERROR\"", "\"STATUS_CODE_ERROR\"", "2", "\"error\""})
  void errorStatusCodes(String code) {
    String line =
        "{\"traceId\":\""
            + TRACE
            + "\",\"spanId\":\"5b8f2d1c9a3e7046\",\"status\":{\"code\":"
            + code
            + "},\"startTimeUnixNano\":1763111555119432100,"
            + "\"endTimeUnixNano\":1763111555119532100}";

    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.status()).isEqualTo("error");
    assertThat(e.isError()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"\"OK\"", "\"UNSET\"", "\"STATUS_CODE_OK\"", "0", "1", "null"})
  void otherStatusCodesAreNoError(String code) {
    String line =
        "{\"traceId\":\""
            + TRACE
            + "\",\"spanId\":\"5b8f2d1c9a3e7046\",\"status\":{\"code\":"
            + code
            + "},\"startTimeUnixNano\":1763111555119432100,"
            + "\"endTimeUnixNano\":1763111555119532100}";

    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.level()).isNull();
    assertThat(e.status()).isNull();
    assertThat(e.isError()).isFalse();
  }

  @Test
  void flatServiceNameAndOldHttpStatusAttribute() {
    String line =
        "{\"traceId\":\""
            + TRACE
            + "\",\"spanId\":\"5b8f2d1c9a3e7046\",\"service.name\":"
            + "\"payments\",\"name\":\"charge\",\"startTimeUnixNano\":1763111555119432100,"
            + "\"endTimeUnixNano\":1763111555119532100,\"attributes\":{\"http.status_code\":\"404\"}}";

    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.service()).isEqualTo("payments");
    assertThat(e.status()).isEqualTo("404");
  }

  // ---------------------------------------------------------------------------------------------
  // Zipkin v2

  /** zipkin-production-traces, yelp.json: a CLIENT span with a remote service. */
  private static final String YELP_CLIENT =
      "{\"traceId\":\"a03ee8fff1dcd9b9\",\"parentId\":\"f5f268651b2a2b34\","
          + "\"id\":\"7a778764a0d0b594\",\"kind\":\"CLIENT\",\"name\":\"get\","
          + "\"timestamp\":1571896375310000,\"duration\":3000,"
          + "\"localEndpoint\":{\"serviceName\":\"mobile_api\"},"
          + "\"remoteEndpoint\":{\"serviceName\":\"spectre\",\"port\":31286},"
          + "\"tags\":{\"client_status_code\":\"200\",\"http.uri.client\":\"/visits\","
          + "\"request_budget\":\"9989\",\"tracer\":\"syslog2scribe.haproxy-synapse\"}}";

  /** zipkin-production-traces, yelp.json: the shared SERVER half of {@link #YELP_CLIENT}. */
  private static final String YELP_SHARED_SERVER =
      "{\"traceId\":\"a03ee8fff1dcd9b9\",\"parentId\":\"f5f268651b2a2b34\","
          + "\"id\":\"7a778764a0d0b594\",\"kind\":\"SERVER\",\"name\":\"get\","
          + "\"timestamp\":1571896375310740,\"duration\":1490,"
          + "\"localEndpoint\":{\"serviceName\":\"spectre\"},"
          + "\"tags\":{\"ecosystem\":\"prod\",\"habitat\":\"uswest1aprod\","
          + "\"http.uri.client\":\"/token/abcdefgh123456\",\"region\":\"uswest1-prod\"},"
          + "\"shared\":true}";

  private static final long YELP_MS = 1_571_896_375_310L;

  @Test
  void zipkinClientSpan() {
    LogEvent e = Lines.parse("/zipkin/yelp", YELP_CLIENT, YELP_MS + 1000);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.traceId()).isEqualTo("0000000000000000a03ee8fff1dcd9b9"); // 64-bit: padded
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.B3_TRACE_ID);
    assertThat(e.spanId()).isEqualTo("7a778764a0d0b594");
    assertThat(e.parentSpanId()).isEqualTo("f5f268651b2a2b34");
    assertThat(e.service()).isEqualTo("mobile_api");
    assertThat(e.operation()).isEqualTo("get");
    assertThat(e.timestamp()).isEqualTo(YELP_MS);
    assertThat(e.durationMs()).isEqualTo(3.0);
    assertThat(e.attributes())
        .containsEntry(LogEvent.SPAN_KIND, "CLIENT")
        .containsEntry(LogEvent.PEER_SERVICE, "spectre")
        .doesNotContainKey(LineParser.SHARED_SPAN);
    assertThat(e.status()).isNull(); // client_status_code is Yelp's own tag
    assertThat(e.isError()).isFalse();
  }

  @Test
  void zipkinSharedServerHalfIsAnEventOfItsOwn() {
    LogEvent client = Lines.parse("/zipkin/yelp", YELP_CLIENT, YELP_MS + 1000);
    LogEvent server = Lines.parse("/zipkin/yelp", YELP_SHARED_SERVER, YELP_MS + 1000);

    assertThat(server.kind()).isEqualTo(EventKind.SPAN);
    assertThat(server.traceId()).isEqualTo(client.traceId());
    assertThat(server.spanId()).isEqualTo(client.spanId());
    assertThat(server.parentSpanId()).isEqualTo(client.parentSpanId());
    assertThat(server.service()).isEqualTo("spectre");
    assertThat(server.timestamp()).isEqualTo(YELP_MS); // 1571896375310740 µs
    assertThat(server.durationMs()).isEqualTo(1.49);
    assertThat(server.attributes())
        .containsEntry(LogEvent.SPAN_KIND, "SERVER")
        .containsEntry(LineParser.SHARED_SPAN, "true")
        .doesNotContainKey(LogEvent.PEER_SERVICE);
  }

  @Test
  void zipkinErrorTag() {
    // zipkin-production-traces, smartthings-oauth-authorization.json
    String line =
        "{\"traceId\":\"8ce82b2e9ed820ba\",\"parentId\":\"be232464081e613d\","
            + "\"id\":\"c47bff7f7964b321\",\"kind\":\"SERVER\",\"name\":\"post /sso/authenticate\","
            + "\"timestamp\":1543334661606025,\"duration\":3041,\"localEndpoint\":{\"serviceName\":"
            + "\"auth\",\"ipv4\":\"10.0.0.63\",\"port\":8180},\"remoteEndpoint\":{\"ipv4\":"
            + "\"52.0.0.9\",\"port\":51436},\"tags\":{\"error\":\"401\",\"http.path\":"
            + "\"/sso/authenticate\",\"http.status_code\":\"401\"},\"shared\":true}";

    LogEvent e = Lines.parse("/zipkin/smartthings", line, 1_543_334_661_700L);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.timestamp()).isEqualTo(1_543_334_661_606L);
    assertThat(e.durationMs()).isEqualTo(3.041);
    assertThat(e.status()).isEqualTo("401");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("401");
    assertThat(e.attributes()).doesNotContainKey(LogEvent.PEER_SERVICE); // an address only
  }

  @Test
  void zipkinErrorTagWithoutAStatus() {
    String line =
        "{\"traceId\":\""
            + TRACE
            + "\",\"id\":\"5b8f2d1c9a3e7046\",\"name\":\"query\","
            + "\"timestamp\":1763111555119432,\"duration\":250,\"localEndpoint\":{\"serviceName\":"
            + "\"orders\"},\"tags\":{\"error\":\"\"}}";

    LogEvent e = Lines.parse("/zipkin", line);

    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.B3_TRACE_ID);
    assertThat(e.durationMs()).isEqualTo(0.25);
    assertThat(e.status()).isEqualTo("error");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isNull();
    assertThat(e.attributes()).doesNotContainKey(LogEvent.SPAN_KIND); // no kind: a local span
  }

  @Test
  void zipkinSpanWithoutTimestampIsAnOrdinaryEventThatKeepsItsIds() {
    // zipkin-production-traces, smartthings-mobile-web-install.json: one of its 84 such spans
    String line =
        "{\"traceId\":\"14b60fd9ae504820\",\"parentId\":\"cfcd115a2af18bd9\","
            + "\"id\":\"a0dc23f22c4fee3f\",\"name\":\"post\",\"localEndpoint\":{\"serviceName\":"
            + "\"platformapi\",\"ipv4\":\"10.104.90.167\",\"port\":8140}}";

    LogEvent e = Lines.parse("/zipkin/smartthings", line);

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.timestamp()).isEqualTo(Lines.TIMESTAMP); // CloudWatch's
    assertThat(e.traceId()).isEqualTo("000000000000000014b60fd9ae504820");
    assertThat(e.spanId()).isEqualTo("a0dc23f22c4fee3f");
    assertThat(e.parentSpanId()).isEqualTo("cfcd115a2af18bd9");
    assertThat(e.service()).isEqualTo("platformapi");
    assertThat(e.operation()).isEqualTo("post");
    assertThat(e.durationMs()).isNull();
    assertThat(e.attributes()).containsEntry(LineParser.INCOMPLETE_SPAN, "no-start");
  }

  @Test
  void zipkinSpanWithoutDurationKeepsItsStartAsTime() {
    // zipkin-production-traces, smartthings-mobile-web-install.json: one of its 91 such spans
    String line =
        "{\"traceId\":\"14b60fd9ae504820\",\"parentId\":\"64c75434bbe02f59\","
            + "\"id\":\"cbab506b53f336fc\",\"kind\":\"SERVER\",\"name\":\"receive iot-events360\","
            + "\"timestamp\":1543549826258568,\"localEndpoint\":{\"serviceName\":\"pusher\","
            + "\"ipv4\":\"10.6.83.20\",\"port\":8197},\"remoteEndpoint\":{\"serviceName\":"
            + "\"bouncer\"},\"tags\":{\"kafka.partition\":\"276\"},\"shared\":true}";

    LogEvent e = Lines.parse("/zipkin/smartthings", line, 1_543_549_830_000L);

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.timestamp()).isEqualTo(1_543_549_826_258L);
    assertThat(e.attributes())
        .containsEntry(LineParser.INCOMPLETE_SPAN, "no-end")
        .containsEntry(LogEvent.SPAN_KIND, "SERVER")
        .containsEntry(LogEvent.PEER_SERVICE, "bouncer")
        .containsEntry(LineParser.SHARED_SPAN, "true");
  }

  // ---------------------------------------------------------------------------------------------
  // lines that only name a span id stay what they are

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          trace_id and span_id  | {"level":"INFO","message":"order stored","trace_id":"6916f2828c41d2a7e5b03f19a6d4c2e1","span_id":"5b8f2d1c9a3e7046","duration_ms":12.5}
          spanId and parent     | {"severity":"info","msg":"cache miss","traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","parentSpanId":"0efbd19962d95b05","timestamp":"2025-11-14T09:12:35.119Z"}
          otel log record       | {"timeUnixNano":"1763111555119432100","observedTimeUnixNano":"1763111555120000000","severityText":"INFO","body":{"stringValue":"charged"},"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","attributes":[{"key":"service.name","value":{"stringValue":"payments"}}]}
          id but no span shape  | {"id":"5b8f2d1c9a3e7046","traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","level":"info","message":"created"}
          zipkin-ish, bad id    | {"id":42,"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","timestamp":1763111555119432,"duration":250,"message":"row"}
          times, no span id     | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","startTimeUnixNano":1763111555119432100,"endTimeUnixNano":1763111555119532100,"message":"batch"}
          """)
  void linesThatOnlyNameASpanStayOrdinary(String name, String line) {
    LogEvent e = Lines.parse("/ecs/orders", line);

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.timestamp()).isEqualTo(Lines.TIMESTAMP);
    assertThat(e.attributes())
        .doesNotContainKeys(LogEvent.SPAN_KIND, LineParser.INCOMPLETE_SPAN, LineParser.SHARED_SPAN);
  }

  @Test
  void appLineWithSpanIdsKeepsThem() {
    LogEvent e =
        Lines.parse(
            "/ecs/orders",
            "{\"level\":\"ERROR\",\"message\":\"failed\",\"trace_id\":\""
                + TRACE
                + "\",\"span_id\":\"5b8f2d1c9a3e7046\",\"parent_span_id\":\"0efbd19962d95b05\"}");

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.spanId()).isEqualTo("5b8f2d1c9a3e7046");
    assertThat(e.parentSpanId()).isEqualTo("0efbd19962d95b05");
    assertThat(e.level()).isEqualTo("ERROR");
  }

  @Test
  void spanWrittenByALambdaIsTheFunctionsService() {
    LogEvent e = Lines.parse("/aws/lambda/checkout-api", AWS_SPANS_SERVER);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.service()).isEqualTo("checkout-api");
    assertThat(e.attributes()).containsEntry(LineParser.APP_SERVICE, "orders-api");
  }

  // ---------------------------------------------------------------------------------------------
  // bad and partial records

  @Test
  void endBeforeStartKeepsTheInvalidDuration() {
    String line =
        "{\"traceId\":\""
            + TRACE
            + "\",\"spanId\":\"5b8f2d1c9a3e7046\",\"name\":\"x\","
            + "\"startTimeUnixNano\":1763111555119432100,\"endTimeUnixNano\":1763111555114432100}";

    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.timestamp()).isEqualTo(1_763_111_555_119L);
    assertThat(e.durationMs()).isNull();
    assertThat(e.attributes()).containsEntry(LogEvent.INVALID_DURATION_MS, "-5.0");
    assertThat(e.endTime()).isEqualTo(e.startTime());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          8 days in µs (zipkin)  | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","id":"5b8f2d1c9a3e7046","timestamp":1763111555119432,"duration":691200000000} | 6.912E8
          huge duration number   | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","id":"5b8f2d1c9a3e7046","timestamp":1763111555119432,"duration":1e300}        | 1.0E297
          negative duration      | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","id":"5b8f2d1c9a3e7046","timestamp":1763111555119432,"duration":-3}           | -0.003
          end at the end of time | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","startTimeUnixNano":1763111555119432100,"endTimeUnixNano":9223372036854775807} | 7.460260481735344E12
          """)
  void absurdDurationsAreKeptAsInvalid(String name, String line, String invalid) {
    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.kind()).isEqualTo(EventKind.SPAN);
    assertThat(e.timestamp()).isEqualTo(1_763_111_555_119L);
    assertThat(e.durationMs()).isNull();
    assertThat(e.attributes()).containsEntry(LogEvent.INVALID_DURATION_MS, invalid);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          start not a number    | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","startTimeUnixNano":"soon","endTimeUnixNano":1763111555119532100}   | bad-time
          start a fraction text | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","startTimeUnixNano":"1.7e18","endTimeUnixNano":1763111555119532100} | bad-time
          start beyond a long   | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","startTimeUnixNano":99999999999999999999,"endTimeUnixNano":1}     | bad-time
          start an object       | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","startTimeUnixNano":{},"endTimeUnixNano":1763111555119532100}     | bad-time
          end not a number      | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","startTimeUnixNano":1763111555119432100,"endTimeUnixNano":"later"} | bad-time
          end null              | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","startTimeUnixNano":1763111555119432100,"endTimeUnixNano":null}    | bad-time
          no start              | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","endTimeUnixNano":1763111555119532100}                            | no-start
          no end                | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"5b8f2d1c9a3e7046","startTimeUnixNano":1763111555119432100}                          | no-end
          span id not hex       | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","spanId":"not-a-span-id!!","startTimeUnixNano":1763111555119432100,"durationNano":5}          | no-span-id
          zipkin time as text   | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","id":"5b8f2d1c9a3e7046","timestamp":"2025-11-14T09:12:35Z","duration":3,"localEndpoint":{}}   | bad-time
          zipkin duration text  | {"traceId":"6916f2828c41d2a7e5b03f19a6d4c2e1","id":"5b8f2d1c9a3e7046","timestamp":1763111555119432,"duration":"3 ms","localEndpoint":{}}   | bad-time
          """)
  void partialRecordsAreOrdinaryEvents(String name, String line, String why) {
    LogEvent e = Lines.parse(SPANS, line);

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.durationMs()).isNull();
    assertThat(e.attributes()).containsEntry(LineParser.INCOMPLETE_SPAN, why);
  }

  @Test
  void startInTheWrongUnitIsNoSpan() {
    // milliseconds where Zipkin wants microseconds: 1970, far from CloudWatch's time
    String line =
        "{\"traceId\":\""
            + TRACE
            + "\",\"id\":\"5b8f2d1c9a3e7046\",\"timestamp\":1763111555119,"
            + "\"duration\":250,\"localEndpoint\":{\"serviceName\":\"orders\"}}";

    LogEvent e = Lines.parse("/zipkin", line);

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.timestamp()).isEqualTo(Lines.TIMESTAMP);
    assertThat(e.attributes())
        .containsEntry(LineParser.INCOMPLETE_SPAN, "bad-start")
        .containsEntry("ignoredTimestamp", "1763111555");
    assertThat(e.spanId()).isEqualTo("5b8f2d1c9a3e7046");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"spanId\":null,\"startTimeUnixNano\":null}",
        "{\"spanId\":\"5b8f2d1c9a3e7046\",\"startTimeUnixNano\":-1,\"endTimeUnixNano\":-2}",
        "{\"spanId\":\"5b8f2d1c9a3e7046\",\"startTimeUnixNano\":-9223372036854775807,"
            + "\"endTimeUnixNano\":9223372036854775807}",
        "{\"spanId\":\"5b8f2d1c9a3e7046\",\"startTimeUnixNano\":1e400,\"durationNano\":-1e400}",
        "{\"spanId\":\"5b8f2d1c9a3e7046\",\"startTimeUnixNano\":[],\"attributes\":[1,\"x\",[],"
            + "{\"key\":1},{\"value\":{}},{\"key\":\"peer.service\",\"value\":null}],"
            + "\"resource\":{\"attributes\":{\"key\":\"service.name\"}},\"kind\":{},\"status\":[]}",
        "{\"traceId\":{},\"id\":\"5b8f2d1c9a3e7046\",\"localEndpoint\":{\"serviceName\":{}},"
            + "\"remoteEndpoint\":\"x\",\"tags\":[],\"shared\":\"yes\",\"timestamp\":true}",
        "{\"traceId\":\"zz\",\"id\":\"5b8f2d1c9a3e7046\",\"timestamp\":1,\"duration\":1}",
      })
  void garbageNeverThrows(String line) {
    assertThatCode(() -> Lines.parse(SPANS, line)).doesNotThrowAnyException();
    LogEvent e = Lines.parse(SPANS, line);
    assertThat(e.message()).isEqualTo(line);
    if (e.kind() == EventKind.SPAN) {
      assertThat(e.timestamp()).isBetween(0L, LogEvent.MAX_TIMESTAMP);
    }
  }
}
