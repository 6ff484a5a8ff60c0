package io.traceline.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.traceline.app.demo.ShopWorkload.RequestTruth;
import io.traceline.app.demo.ShopWorkload.Settings;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShopWorkloadTest {

  /** 2025-11-14T09:12:00Z, the day of the reference samples. */
  private static final long START = 1_763_111_520_000L;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern REPORT =
      Pattern.compile(
          "REPORT RequestId: (?<id>[0-9a-f-]{36})\\tDuration: (?<duration>\\d+\\.\\d{2}) ms"
              + "\\tBilled Duration: (?<billed>\\d+) ms\\tMemory Size: 512 MB"
              + "\\tMax Memory Used: \\d+ MB\\t(?:Init Duration: (?<init>\\d+\\.\\d{2}) ms\\t)?"
              + "\\nXRAY TraceId: (?<trace>1-[0-9a-f]{8}-[0-9a-f]{24})\\tSegmentId: [0-9a-f]{16}"
              + "\\tSampled: true\\t\\n");

  private static final Pattern RDS_STATEMENT =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC:10\\.0\\.\\d+\\.\\d+\\(\\d+\\):"
              + "inventory_app@shop:\\[\\d+\\]:LOG:  duration: (?<ms>\\d+\\.\\d{3}) ms  execute"
              + " <unnamed>: .+ /\\*traceparent='00-(?<trace>[0-9a-f]{32})-[0-9a-f]{16}-01'\\*/");

  /** One shared run of 1000 requests with raised fault rates; the tests only read it. */
  private static Run run;

  @BeforeAll
  static void generate() {
    Settings settings =
        Settings.builder()
            .seed(1)
            .faultRates(0.1, 0.1, 0.1)
            .backgroundIntervals(10_000, 20_000, 10_000)
            .build();
    run = Run.until(new ShopWorkload(settings), 1000, 100);
  }

  @Test
  void sameSeedAndClockGiveTheSameMessages() {
    Settings settings = Settings.builder().seed(42).build();
    Run first = Run.forMillis(new ShopWorkload(settings), 20_000, 100);
    Run second = Run.forMillis(new ShopWorkload(settings), 20_000, 100);
    Run other = Run.forMillis(new ShopWorkload(settings.toBuilder().seed(43).build()), 20_000, 100);

    assertThat(first.messages).isNotEmpty().isEqualTo(second.messages);
    assertThat(first.truths).isEqualTo(second.truths);
    assertThat(other.messages).isNotEqualTo(first.messages);
  }

  @Test
  void deliveryDoesNotDependOnHowTheClockIsStepped() {
    Settings settings = Settings.builder().seed(5).build();
    Run fine = Run.forMillis(new ShopWorkload(settings), 15_000, 10);
    Run coarse = Run.forMillis(new ShopWorkload(settings), 15_000, 1_000);

    assertThat(coarse.messages).isEqualTo(fine.messages);
    assertThat(coarse.truths).isEqualTo(fine.truths);
  }

  @Test
  void everyMessageHoldsOneStreamWithEventsInTimestampOrder() {
    assertThat(run.messages).hasSizeGreaterThan(100);
    for (SubscriptionMessage message : run.messages) {
      List<CloudWatchEvent> events = message.logEvents();
      assertThat(events).isNotEmpty();
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).timestamp()).isGreaterThanOrEqualTo(events.get(i - 1).timestamp());
      }
      if (message.isControl()) {
        assertThat(message.owner()).isEqualTo("CloudwatchLogs");
        assertThat(message.logGroup()).isEmpty();
        assertThat(message.logStream()).isEmpty();
        assertThat(message.subscriptionFilters()).isEmpty();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.id()).isEmpty());
        assertThat(events.get(0).message())
            .isEqualTo("CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.");
      } else {
        assertThat(message.messageType()).isEqualTo("DATA_MESSAGE");
        assertThat(message.owner()).isEqualTo("123456789012");
        assertThat(message.subscriptionFilters()).containsExactly("traceline");
        assertThat(message.logGroup())
            .isIn(
                "/aws/apigateway/shop-api-prod-access",
                "/aws/lambda/checkout-api",
                "/ecs/inventory-svc",
                "/aws/rds/instance/shop-db/postgresql");
        assertThat(message.logStream()).matches(streamPattern(message.logGroup()));
      }
    }
    assertThat(run.messages).anyMatch(SubscriptionMessage::isControl);
  }

  @Test
  void eventIdsAre56DigitStringsCarryingTheTimestamp() {
    for (SubscriptionMessage message : run.data()) {
      BigInteger previous = null;
      for (CloudWatchEvent event : message.logEvents()) {
        assertThat(event.id()).hasSize(56).containsOnlyDigits();
        BigInteger id = new BigInteger(event.id());
        assertThat(id.shiftRight(144).longValueExact()).isEqualTo(event.timestamp());
        if (previous != null) {
          // Same batch: the same 48-bit batch time and 64-bit random, the sequence counts up.
          BigInteger low = BigInteger.ONE.shiftLeft(144).subtract(BigInteger.ONE);
          assertThat(id.and(low).shiftRight(16)).isEqualTo(previous.and(low).shiftRight(16));
          assertThat(id.and(BigInteger.valueOf(0xFFFF)).intValue())
              .isEqualTo(previous.and(BigInteger.valueOf(0xFFFF)).intValue() + 1);
        }
        previous = id;
      }
    }
  }

  @Test
  void lambdaLinesMatchTheRealTextFormat() {
    int cold = 0;
    for (List<CloudWatchEvent> stream : run.eventsByStream("/aws/lambda/checkout-api").values()) {
      Map<String, Long> starts = new HashMap<>();
      long initStart = -1;
      for (CloudWatchEvent event : stream) {
        String text = event.message();
        assertThat(text).endsWith("\n");
        if (text.startsWith("INIT_START ")) {
          assertThat(text)
              .matches(
                  "INIT_START Runtime Version: python:3\\.12\\.v\\d+\\tRuntime Version ARN:"
                      + " arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}\\n");
          initStart = event.timestamp();
        } else if (text.startsWith("START ")) {
          Matcher start =
              Pattern.compile("START RequestId: ([0-9a-f-]{36}) Version: \\$LATEST\\n")
                  .matcher(text);
          assertThat(start.matches()).as(text).isTrue();
          starts.put(start.group(1), event.timestamp());
        } else if (text.startsWith("REPORT ")) {
          Matcher report = REPORT.matcher(text);
          assertThat(report.matches()).as(text).isTrue();
          BigDecimal duration = new BigDecimal(report.group("duration"));
          BigDecimal init =
              report.group("init") == null ? BigDecimal.ZERO : new BigDecimal(report.group("init"));
          assertThat(Long.parseLong(report.group("billed")))
              .isEqualTo(duration.add(init).setScale(0, RoundingMode.CEILING).longValueExact());
          Long start = starts.get(report.group("id"));
          assertThat(start).as("START before REPORT").isNotNull();
          assertThat(event.timestamp() - start).isCloseTo(duration.longValue(), within(1));
          if (report.group("init") != null) {
            cold++;
            assertThat(initStart).isPositive();
            assertThat(start - initStart).isCloseTo(init.longValue(), within(2));
          }
        } else if (text.startsWith("{")) {
          JsonNode line = parse(text);
          assertThat(fieldNames(line))
              .startsWith(
                  "level",
                  "location",
                  "message",
                  "timestamp",
                  "service",
                  "cold_start",
                  "function_name",
                  "function_memory_size",
                  "function_arn",
                  "function_request_id",
                  "correlation_id")
              .endsWith("xray_trace_id");
          assertThat(line.get("timestamp").asText())
              .matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3}\\+0000");
        } else {
          assertThat(text).matches("END RequestId: [0-9a-f-]{36}\\n");
        }
      }
    }
    assertThat(cold).isGreaterThan(50);
    assertThat(run.reports()).hasSameSizeAs(run.truths);
  }

  @Test
  void endAndReportShareTheirTimestamp() {
    for (List<CloudWatchEvent> stream : run.eventsByStream("/aws/lambda/checkout-api").values()) {
      for (int i = 0; i < stream.size(); i++) {
        if (stream.get(i).message().startsWith("END ")) {
          CloudWatchEvent report = stream.get(i + 1);
          assertThat(report.message()).startsWith("REPORT ");
          assertThat(report.timestamp()).isEqualTo(stream.get(i).timestamp());
        }
      }
    }
  }

  @Test
  void oneRequestJoinsAcrossAllFourLogGroups() {
    Map<String, JsonNode> accessByRequestId = new HashMap<>();
    for (CloudWatchEvent event : run.events("/aws/apigateway/shop-api-prod-access")) {
      JsonNode line = parse(event.message());
      assertThat(line.get("status").isInt()).isTrue();
      assertThat(line.get("responseLatency").isIntegralNumber()).isTrue();
      assertThat(line.get("integrationLatency").isTextual()).isTrue();
      assertThat(event.timestamp())
          .isEqualTo(run.truth(line.get("requestId").asText()).arrivalEpochMs());
      accessByRequestId.put(line.get("requestId").asText(), line);
    }
    Map<String, String> xrayByLambdaRequest = new HashMap<>();
    for (CloudWatchEvent event : run.reports()) {
      Matcher report = REPORT.matcher(event.message());
      assertThat(report.matches()).isTrue();
      xrayByLambdaRequest.put(report.group("id"), report.group("trace"));
    }
    Map<String, Integer> rdsByTrace = new HashMap<>();
    for (CloudWatchEvent event : run.events("/aws/rds/instance/shop-db/postgresql")) {
      Matcher statement = RDS_STATEMENT.matcher(event.message());
      if (statement.matches()) {
        rdsByTrace.merge(statement.group("trace"), 1, Integer::sum);
        assertThat(Double.parseDouble(statement.group("ms"))).isGreaterThan(100);
      } else {
        assertThat(event.message()).matches("\\S+ \\S+ UTC::@:\\[390\\]:LOG:  checkpoint .*");
      }
    }
    Map<String, Integer> ecsByTrace = new HashMap<>();
    for (CloudWatchEvent event : run.events("/ecs/inventory-svc")) {
      JsonNode record = parse(event.message());
      assertThat(fieldNames(record))
          .containsExactly(
              "source",
              "log",
              "container_id",
              "container_name",
              "ecs_cluster",
              "ecs_task_arn",
              "ecs_task_definition");
      assertThat(record.get("ecs_task_definition").asText()).isEqualTo("inventory-svc:7");
      JsonNode log = parse(record.get("log").asText());
      assertThat(fieldNames(log)).startsWith("level", "ts", "msg");
      if (log.has("trace_id")) {
        ecsByTrace.merge(canonical(log.get("trace_id").asText()), 1, Integer::sum);
      }
    }

    for (RequestTruth truth : run.truths) {
      JsonNode access = accessByRequestId.get(truth.apiRequestId());
      assertThat(access).as("access log of %s", truth).isNotNull();
      String xray = access.get("xrayTraceId").asText();
      assertThat(xray).isEqualTo(truth.xrayTraceId());
      assertThat(access.get("integrationRequestId").asText()).isEqualTo(truth.lambdaRequestId());
      assertThat(xrayByLambdaRequest.get(truth.lambdaRequestId())).isEqualTo(xray);
      String w3c = xray.substring(2, 10) + xray.substring(11);
      assertThat(w3c).isEqualTo(truth.traceId());
      assertThat(rdsByTrace.getOrDefault(w3c, 0)).isEqualTo(truth.statementLogged() ? 1 : 0);
      assertThat(ecsByTrace.get(w3c)).isGreaterThanOrEqualTo(2);
      assertThat(access.get("status").asInt()).isEqualTo(truth.status());
      assertThat(access.get("responseLatency").asLong()).isEqualTo(truth.latencyMs());
    }
  }

  @Test
  void injectedFaultRatesAreRoughlyHonoured() {
    List<RequestTruth> truths = run.truths;
    assertThat(truths).hasSizeBetween(1000, 1010);
    long orders = truths.stream().filter(t -> t.route().contains("/orders")).count();
    long creates = truths.stream().filter(t -> t.route().equals("POST /orders")).count();
    long cold = truths.stream().filter(RequestTruth::coldStart).count();
    long slow = truths.stream().filter(RequestTruth::slowQuery).count();
    long timeouts = truths.stream().filter(RequestTruth::thirdPartyTimeout).count();

    assertThat((double) cold / truths.size()).isBetween(0.07, 0.15);
    assertThat((double) slow / orders).isBetween(0.05, 0.15);
    assertThat((double) timeouts / creates).isBetween(0.05, 0.15);
    assertThat(truths)
        .filteredOn(t -> t.route().equals("GET /products"))
        .noneMatch(RequestTruth::slowQuery)
        .noneMatch(RequestTruth::thirdPartyTimeout);
    assertThat(truths).filteredOn(RequestTruth::slowQuery).allMatch(RequestTruth::statementLogged);
  }

  @Test
  void faultsShowInLatencyAndStatus() {
    for (RequestTruth truth : run.truths) {
      if (truth.thirdPartyTimeout()) {
        assertThat(truth.status()).isIn(502, 504);
        assertThat(truth.latencyMs()).isGreaterThan(3000);
      } else {
        assertThat(truth.status()).isEqualTo(truth.route().startsWith("POST") ? 201 : 200);
      }
      if (truth.slowQuery()) {
        assertThat(truth.latencyMs()).isGreaterThan(700);
      }
      if (truth.isNormal()) {
        assertThat(truth.latencyMs()).isBetween(40L, 200L);
      }
    }
  }

  @Test
  void nothingIsDeliveredBeforeItIsWrittenPlusTheMinimumDelay() {
    long minDelay = Settings.defaults().deliveryDelay().minMs();
    for (Delivered delivered : run.delivered) {
      for (CloudWatchEvent event : delivered.message.logEvents()) {
        long written = event.timestamp();
        if (delivered.message.logGroup().equals("/aws/apigateway/shop-api-prod-access")) {
          written += parse(event.message()).get("responseLatency").asLong();
        }
        long delay = delivered.message.isControl() ? 0 : minDelay;
        assertThat(written + delay).isLessThanOrEqualTo(delivered.now);
      }
    }
  }

  @Test
  void untracedBackgroundLinesAreMixedIn() {
    assertThat(run.events("/aws/rds/instance/shop-db/postgresql"))
        .anyMatch(e -> e.message().endsWith("UTC::@:[390]:LOG:  checkpoint starting: time"));
    assertThat(run.events("/ecs/inventory-svc"))
        .anyMatch(e -> e.message().contains("health check") && !e.message().contains("trace_id"));
  }

  @Test
  void invalidSettingsListEveryProblemAtOnce() {
    Settings defaults = Settings.defaults();
    assertThatThrownBy(
            () ->
                new Settings(
                    0,
                    1,
                    1.5,
                    0,
                    -1,
                    new ShopWorkload.DeliveryDelay(500, 100),
                    Map.of("/ecs/inventory-svc", new ShopWorkload.DeliveryDelay(9, 1)),
                    0,
                    0,
                    0,
                    0,
                    4,
                    2,
                    1,
                    0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestsPerSecond")
        .hasMessageContaining("coldStartRate")
        .hasMessageContaining("thirdPartyTimeoutRate")
        .hasMessageContaining("deliveryDelay must")
        .hasMessageContaining("deliveryDelay[/ecs/inventory-svc]")
        .hasMessageContaining("flushIntervalMs")
        .hasMessageContaining("warmEnvironments");
    assertThat(defaults.deliveryDelayFor("/ecs/inventory-svc"))
        .isEqualTo(new ShopWorkload.DeliveryDelay(200, 1500));
    assertThat(
            defaults.toBuilder()
                .deliveryDelay("/ecs/inventory-svc", 5_000, 9_000)
                .build()
                .deliveryDelayFor("/ecs/inventory-svc"))
        .isEqualTo(new ShopWorkload.DeliveryDelay(5_000, 9_000));
  }

  private static Offset<Long> within(long value) {
    return Offset.offset(value);
  }

  private static String streamPattern(String logGroup) {
    return switch (logGroup) {
      case "/aws/lambda/checkout-api" -> "\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST\\][0-9a-f]{32}";
      case "/ecs/inventory-svc" -> "inventory-svc/app/[0-9a-f]{32}";
      case "/aws/rds/instance/shop-db/postgresql" -> "shop-db\\.0";
      default -> "[0-9a-f]{32}";
    };
  }

  /** The canonical form of a W3C (32 hex) or X-Ray ({@code 1-8hex-24hex}) trace id. */
  private static String canonical(String traceId) {
    if (traceId.startsWith("1-")) {
      return traceId.substring(2, 10) + traceId.substring(11);
    }
    assertThat(traceId).matches("[0-9a-f]{32}");
    return traceId;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A message and the clock value of the {@code advanceTo} call that returned it. */
  private record Delivered(long now, SubscriptionMessage message) {}

  /** What a run delivered, with helpers to look at it. */
  private static final class Run {
    final List<Delivered> delivered = new ArrayList<>();
    final List<SubscriptionMessage> messages = new ArrayList<>();
    List<RequestTruth> truths = List.of();

    /** Steps until at least {@code requests} requests are generated, then drains the rest. */
    static Run until(ShopWorkload workload, int requests, long stepMs) {
      Run run = new Run();
      long now = START;
      while (workload.requestCount() < requests) {
        run.add(now, workload.advanceTo(now));
        now += stepMs;
      }
      run.add(Long.MAX_VALUE, workload.drain());
      run.truths = workload.generated();
      return run;
    }

    static Run forMillis(ShopWorkload workload, long millis, long stepMs) {
      Run run = new Run();
      for (long now = START; now <= START + millis; now += stepMs) {
        run.add(now, workload.advanceTo(now));
      }
      run.add(Long.MAX_VALUE, workload.drain());
      run.truths = workload.generated();
      return run;
    }

    void add(long now, List<SubscriptionMessage> batch) {
      for (SubscriptionMessage message : batch) {
        delivered.add(new Delivered(now, message));
        messages.add(message);
      }
    }

    List<SubscriptionMessage> data() {
      return messages.stream().filter(m -> !m.isControl()).toList();
    }

    List<CloudWatchEvent> events(String logGroup) {
      return data().stream()
          .filter(m -> m.logGroup().equals(logGroup))
          .flatMap(m -> m.logEvents().stream())
          .toList();
    }

    /** Events per stream of a group, in timestamp order (messages may arrive out of order). */
    Map<String, List<CloudWatchEvent>> eventsByStream(String logGroup) {
      Map<String, List<CloudWatchEvent>> byStream = new HashMap<>();
      for (SubscriptionMessage message : data()) {
        if (message.logGroup().equals(logGroup)) {
          byStream
              .computeIfAbsent(message.logStream(), s -> new ArrayList<>())
              .addAll(message.logEvents());
        }
      }
      byStream.values().forEach(events -> events.sort(EVENT_ORDER));
      return byStream;
    }

    List<CloudWatchEvent> reports() {
      return events("/aws/lambda/checkout-api").stream()
          .filter(e -> e.message().startsWith("REPORT "))
          .toList();
    }

    RequestTruth truth(String apiRequestId) {
      return truths.stream()
          .filter(t -> t.apiRequestId().equals(apiRequestId))
          .findFirst()
          .orElseThrow();
    }
  }

  /** Timestamp, then END before REPORT (ids count up within a batch). */
  private static final Comparator<CloudWatchEvent> EVENT_ORDER =
      Comparator.comparingLong(CloudWatchEvent::timestamp)
          .thenComparing(e -> e.message().startsWith("REPORT ") ? 1 : 0);
}
