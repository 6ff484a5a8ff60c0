package io.traceline.ingest.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.ingest.aws.Retry;
import io.traceline.ingest.cloudwatch.Subscriber.Action;
import io.traceline.ingest.cloudwatch.Subscriber.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/** {@link Subscriber} with the real SDK client against a local CloudWatch Logs protocol server. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SubscriberIT {

  private static final String DEST = "arn:aws:kinesis:us-east-1:123456789012:stream/logs";
  private static final String ROLE = "arn:aws:iam::123456789012:role/cwl-to-kinesis";

  private static FakeCloudWatchLogs fake;
  private static CloudWatchLogsClient client;
  private final List<Duration> waits = new ArrayList<>();
  private Subscriber subscriber;

  @BeforeAll
  static void start() throws Exception {
    fake = FakeCloudWatchLogs.start();
    client = fake.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    fake.close();
  }

  @BeforeEach
  void groups() {
    fake.reset();
    fake.pageSize(2); // 7 groups: 4 pages of DescribeLogGroups
    for (String g :
        List.of(
            "/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c", "/aws/lambda/d", "/aws/lambda/e")) {
      fake.createLogGroup(g);
    }
    fake.createLogGroup("/ecs/orders");
    fake.createLogGroup("/aws/apigateway/shop-access");
    subscriber =
        new Subscriber(
            client,
            new Retry(
                5,
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                waits::add,
                new SplittableRandom(7)));
  }

  private static Subscriber.Request request(boolean dryRun) {
    return new Subscriber.Request("/aws/lambda/", "traceline", "", DEST, ROLE, "Random", dryRun);
  }

  private Subscriber.Report run(Subscriber.Request request) throws InterruptedException {
    List<Result> seen = new ArrayList<>();
    Subscriber.Report report = subscriber.subscribe(request, seen::add);
    assertThat(seen).isEqualTo(report.results());
    return report;
  }

  @Test
  void subscribesEveryMatchingGroupAcrossPages() throws Exception {
    Subscriber.Report report = run(request(false));
    assertThat(report.ok()).isTrue();
    assertThat(report.results())
        .extracting(Result::logGroup)
        .containsExactly(
            "/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c", "/aws/lambda/d", "/aws/lambda/e");
    assertThat(report.count(Action.SUBSCRIBED)).isEqualTo(5);
    assertThat(fake.calls("DescribeLogGroups")).isEqualTo(3);
    assertThat(fake.calls("PutSubscriptionFilter")).isEqualTo(5);
    assertThat(fake.filters("/aws/lambda/c"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path("filterName").asText()).isEqualTo("traceline");
              assertThat(f.path("destinationArn").asText()).isEqualTo(DEST);
              assertThat(f.path("roleArn").asText()).isEqualTo(ROLE);
              assertThat(f.path("distribution").asText()).isEqualTo("Random");
            });
    assertThat(fake.filters("/ecs/orders")).isEmpty();
  }

  @Test
  void aSecondRunChangesNothing() throws Exception {
    run(request(false));
    Subscriber.Report again = run(request(false));
    assertThat(again.ok()).isTrue();
    assertThat(again.count(Action.ALREADY_SUBSCRIBED)).isEqualTo(5);
    assertThat(fake.calls("PutSubscriptionFilter")).isEqualTo(5);
  }

  @Test
  void aChangedPatternUpdatesOurFilterInPlace() throws Exception {
    run(request(false));
    Subscriber.Report report =
        run(
            new Subscriber.Request(
                "/aws/lambda/", "traceline", "ERROR", DEST, ROLE, "Random", false));
    assertThat(report.count(Action.UPDATED)).isEqualTo(5);
    assertThat(fake.filters("/aws/lambda/a"))
        .singleElement()
        .satisfies(f -> assertThat(f.path("filterPattern").asText()).isEqualTo("ERROR"));
  }

  @Test
  void aGroupWithTwoForeignFiltersIsSkippedWithTheReason() throws Exception {
    fake.putFilter("/aws/lambda/b", "datadog", "arn:aws:lambda:us-east-1:1:function:dd", "");
    fake.putFilter("/aws/lambda/b", "splunk", "arn:aws:firehose:us-east-1:1:deliverystream/s", "");
    Subscriber.Report report = run(request(false));
    assertThat(report.ok()).isTrue();
    assertThat(report.results())
        .filteredOn(r -> r.logGroup().equals("/aws/lambda/b"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.action()).isEqualTo(Action.SKIPPED);
              assertThat(r.detail()).contains("datadog").contains("splunk").contains("limit");
            });
    assertThat(report.count(Action.SUBSCRIBED)).isEqualTo(4);
    assertThat(fake.filters("/aws/lambda/b")).hasSize(2);
  }

  @Test
  void aDryRunWritesNothing() throws Exception {
    fake.putFilter("/aws/lambda/a", "traceline", DEST, "ERROR");
    Subscriber.Report report = run(request(true));
    assertThat(report.ok()).isTrue();
    assertThat(report.count(Action.SUBSCRIBED)).isEqualTo(4);
    assertThat(report.count(Action.UPDATED)).isEqualTo(1);
    assertThat(report.results().get(0).action().label(true)).isEqualTo("would update");
    assertThat(fake.calls("PutSubscriptionFilter")).isZero();
    assertThat(fake.filters("/aws/lambda/c")).isEmpty();
  }

  @Test
  void throttlingIsRetriedUntilItSucceeds() throws Exception {
    fake.fail("DescribeLogGroups", 1, "ThrottlingException", 2);
    fake.fail("PutSubscriptionFilter", 0, "LimitExceededException", 1);
    fake.fail("DescribeSubscriptionFilters", 3, "ThrottlingException", 3);
    Subscriber.Report report = run(request(false));
    assertThat(report.ok()).isTrue();
    assertThat(report.count(Action.SUBSCRIBED)).isEqualTo(5);
    assertThat(waits).hasSize(6).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));
    assertThat(fake.calls("PutSubscriptionFilter")).isEqualTo(6);
  }

  @Test
  void aFatalErrorFailsThatGroupOnlyAndIsNotRetried() throws Exception {
    fake.fail("PutSubscriptionFilter", 1, "AccessDeniedException", 1);
    Subscriber.Report report = run(request(false));
    assertThat(report.ok()).isFalse();
    assertThat(report.results())
        .filteredOn(r -> r.action() == Action.FAILED)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.logGroup()).isEqualTo("/aws/lambda/b");
              assertThat(r.detail())
                  .startsWith("PutSubscriptionFilter: ")
                  .contains("not authorized");
            });
    assertThat(report.count(Action.SUBSCRIBED)).isEqualTo(4);
    assertThat(waits).isEmpty();
  }

  @Test
  void persistentThrottlingEndsAsAFailureAfterTheBoundedAttempts() throws Exception {
    fake.fail("DescribeLogGroups", 0, "ThrottlingException", 100);
    Subscriber.Report report = run(request(false));
    assertThat(report.ok()).isFalse();
    assertThat(report.listingError()).contains("DescribeLogGroups").contains("Rate exceeded");
    assertThat(fake.calls("DescribeLogGroups")).isEqualTo(5);
    assertThat(waits).hasSize(4);
  }
}
