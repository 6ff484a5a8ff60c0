package io.traceline.app.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import io.traceline.ingest.cloudwatch.Backfill;
import io.traceline.ingest.cloudwatch.Subscriber;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Options, validation (every problem listed, exit 2) and printing of subscribe and backfill. */
@Timeout(30)
class CloudWatchCommandsTest {

  private final TracelineRun cli = new TracelineRun();

  @ParameterizedTest
  @ValueSource(strings = {"subscribe", "backfill"})
  void haveHelp(String command) {
    assertThat(cli.run(command, "--help")).isZero();
    assertThat(cli.out()).contains("Usage: traceline " + command);
  }

  @Test
  void badSubscribeOptionsAreAllListed() {
    int code =
        cli.run(
            "subscribe",
            "--log-group-prefix",
            "bad prefix!",
            "--destination-arn",
            "arn:aws:kinesis:us-east-1:123456789012:stream/logs",
            "--distribution",
            "RoundRobin",
            "--filter-name",
            "a:b",
            "--region",
            "Mars",
            "--endpoint",
            "ftp://x");
    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("invalid subscribe options")
        .contains("--log-group-prefix must be")
        .contains("--role-arn is required for a kinesis destination")
        .contains("--distribution must be Random or ByLogStream")
        .contains("--filter-name must be")
        .contains("--region Mars")
        .contains("--endpoint ftp://x");
  }

  @Test
  void aLambdaDestinationNeedsNoRole() {
    // valid options; the call then fails (nothing listens on port 9), which is exit 1, not 2
    int code =
        cli.run(
            "subscribe",
            "--log-group-prefix",
            "/aws/lambda/",
            "--destination-arn",
            "arn:aws:lambda:us-east-1:123456789012:function:ship",
            "--region",
            "us-east-1",
            "--endpoint",
            "http://127.0.0.1:9",
            "--dry-run");
    assertThat(cli.err()).doesNotContain("invalid subscribe options");
    assertThat(code).isIn(1);
  }

  @Test
  void badBackfillOptionsAreAllListed() {
    int code =
        cli.run(
            "backfill",
            "--log-group",
            "/aws/lambda/a",
            "--start",
            "2025-11-14T09:00:00Z",
            "--end",
            "1763107200000",
            "--bootstrap-servers",
            "localhost,broker:99999",
            "--restart");
    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("invalid backfill options")
        .contains("--end 2025-11-14T08:00:00Z must be after --start 2025-11-14T09:00:00Z")
        .contains("'localhost' is not HOST:PORT")
        .contains("'broker:99999' is not HOST:PORT")
        .contains("--restart needs --state-file");
  }

  @Test
  void anUnreadableTimeIsAUsageError() {
    assertThat(
            cli.run(
                "backfill",
                "--log-group",
                "/a",
                "--start",
                "yesterday",
                "--end",
                "0",
                "--bootstrap-servers",
                "localhost:9092"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("'yesterday' is not a time");
  }

  @Test
  void printsOneLinePerGroupAndASummary() {
    Subscriber.Request request =
        new Subscriber.Request("/aws/", "traceline", "", "arn:d", null, null, true);
    Subscriber.Report report =
        new Subscriber.Report(
            List.of(
                new Subscriber.Result("/aws/a", Subscriber.Action.SUBSCRIBED, ""),
                new Subscriber.Result("/aws/b", Subscriber.Action.SKIPPED, "limit")),
            null);
    assertThat(SubscribeCommand.line(report.results().get(0), true))
        .isEqualTo("would subscribe     /aws/a");
    assertThat(SubscribeCommand.line(report.results().get(1), true))
        .isEqualTo("skipped             /aws/b  (limit)");
    assertThat(SubscribeCommand.summary(report, request))
        .isEqualTo(
            "== 2 log groups matching \"/aws/\" (dry run, nothing changed): 1 would subscribe, 0"
                + " would update, 0 already subscribed, 1 skipped, 0 failed");
    assertThat(
            BackfillCommand.line(new Backfill.GroupReport("/aws/a", 3, 30, 25, 4, 1, true, true)))
        .isEqualTo(
            "/aws/a  pages 3  events 30  keyed 25  unkeyed 4  dead letters 1  complete (resumed)");
  }
}
