package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain text: trace ids anywhere, levels, error hints; and lines that must not break anything. */
@Timeout(10)
class PlainTextTest {

  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          TraceID colon      | 2025-11-14 09:12:35.121 ERROR [orders] TraceID: 6916f2828c41d2a7e5b03f19a6d4c2e1 payment failed | HEX32
          trace_id logfmt    | level=warn msg="slow" trace_id=6916f2828c41d2a7e5b03f19a6d4c2e1 dur=3                     | HEX32
          traceId x-ray      | GET /orders 200 traceId=1-6916f282-8c41d2a7e5b03f19a6d4c2e1                               | XRAY
          amzn header        | X-Amzn-Trace-Id: Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e1;Parent=5b8f2d1c9a3e7046;Sampled=1 | XRAY_HEADER
          alb self then root | trace "Self=1-6916f284-7d3e1a9c5b2f8046e1c3a5b7;Root=1-6916f282-8c41d2a7e5b03f19a6d4c2e1" | XRAY_HEADER
          w3c anywhere       | calling payments with 00-6916f2828c41d2a7e5b03f19a6d4c2e1-5b8f2d1c9a3e7046-01 now          | W3C_TRACEPARENT
          bare x-ray         | segment 1-6916f282-8c41d2a7e5b03f19a6d4c2e1 closed                                         | XRAY
          json-ish in text   | INFO handled {"traceId": "6916f2828c41d2a7e5b03f19a6d4c2e1"} in 3 ms                      | HEX32
          """)
  void traceIdsAnywhereInText(String name, String line, TraceIdFormat format) {
    LogEvent e = Lines.parse("/custom/app", line);

    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(format);
    assertThat(e.kind()).isEqualTo(EventKind.APP);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          bracketed   | 2025-11-14 09:12:35 [ERROR] boom                 | ERROR
          warning     | WARNING: disk almost full                         | WARN
          logfmt      | ts=1 level=info msg=ok                            | INFO
          earliest    | INFO retry after ERROR upstream                   | INFO
          not a word  | ERRORS=0 INFORMATIONAL                            |
          """)
  void levels(String name, String line, String level) {
    assertThat(Lines.parse("/custom/app", line).level()).isEqualTo(level);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30001ms (total=10, active=10, idle=0, waiting=7) | ConnectionNotAvailable
          Error: connect ETIMEDOUT 93.184.216.34:5432                                                                                                                 | ETIMEDOUT
          TooManyRequestsException: Rate Exceeded.                                                                                                                    | TooManyRequestsException
          requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='x', port=443): Max retries exceeded                                                           | ConnectTimeout
          Error: timeout exceeded when trying to connect                                                                                                              | PoolTimeout
          ERROR 1040 (08004): Too many connections                                                                                                                    | TooManyConnections
          """)
  void errorHints(String line, String error) {
    LogEvent e = Lines.parse("/ecs/orders-svc", line);

    assertThat(e.error()).isEqualTo(error);
    assertThat(e.level()).isEqualTo("ERROR");
  }

  @Test
  void routineLevelsAreNotScannedForErrorHints() {
    assertThat(Lines.parse("/ecs/x", "INFO retrying after ETIMEDOUT").error()).isNull();
  }

  @Test
  void longHexStringsAreNotTraceIds() {
    LogEvent e =
        Lines.parse(
            "/custom/app",
            "image sha256:4bc3dc769980270dda04757ebc869de045c89bc8491123642e058f8c522ff783 pulled");

    assertThat(e.traceId()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "\n",
        "   \n",
        "{",
        "{\"a\":",
        "}",
        "{}",
        "[1,2]",
        "{\"log\":{\"nested\":true}}",
        "START RequestId: ",
        "END RequestId:",
        "REPORT RequestId: x\tDuration: abc ms\tStatus:",
        "INIT_REPORT ",
        "RequestId: ",
        "2025-11-14T09:12:35.121Z",
        "2025-11-14T09:12:35.121Z\t",
        "[INFO]\t",
        "[INFO]\t2025-11-14T09:12:35.121Z\tnot-a-request-id\tx",
        "2018-08-22 16:00:04 UTC:h(1):u@d:[1]:LOG:  duration: x ms",
        "2018-08-22 16:00:04 UTC:h(1):u@d:[1",
        "# Query_time: ",
        "# Time: x\n# Query_time: abc  Lock_time:",
        "Root=",
        "X-Amzn-Trace-Id: Root=;;;",
        "{\"type\":\"platform.report\",\"record\":{\"metrics\":[1],\"tracing\":\"x\"}}",
        "{\"type\":\"platform.start\",\"time\":\"yesterday\",\"record\":{}}",
        "{\"requestId\":\"r\",\"status\":{\"a\":1},\"responseLatency\":[1]}",
        "{\"message\":\"{\\\"message\\\":\\\"{\\\\\\\"x\\\\\\\":1}\\\"}\"}",
      })
  void oddLinesBecomeAppEventsWithoutThrowing(String line) {
    assertThatCode(() -> Lines.parse("/aws/lambda/fn", line)).doesNotThrowAnyException();
    assertThatCode(() -> Lines.parse("/aws/apigateway/api", line)).doesNotThrowAnyException();
    assertThatCode(() -> Lines.parse("/aws/rds/instance/db/postgresql", line))
        .doesNotThrowAnyException();
    assertThat(Lines.parse("/custom", line).message())
        .isEqualTo(LineParser.stripTrailingNewlines(line));
  }

  @Test
  void randomTextNeverThrows() {
    Random random = new Random(42);
    String alphabet = "{}[]\":,-\t\n 01fe1-RootTraceID=REPORT RequestId: Duration ms#\\";
    for (int i = 0; i < 5_000; i++) {
      StringBuilder line = new StringBuilder();
      int length = random.nextInt(120);
      for (int j = 0; j < length; j++) {
        line.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = line.toString();
      assertThatCode(() -> Lines.parse("/aws/lambda/fn", text)).as(text).doesNotThrowAnyException();
      assertThatCode(() -> Lines.parse("/aws/apigateway/x", text))
          .as(text)
          .doesNotThrowAnyException();
    }
  }
}
