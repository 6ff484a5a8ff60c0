package io.traceline.app.bench;

import static io.traceline.app.bench.Reports.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The command's contract: it runs, reports the machine, the mix and every stage with positive
 * figures, and lists every bad option at once. Never asserts a speed: speed belongs to the
 * benchmark's report, not to a test.
 */
@Timeout(60)
class IngestBenchmarkTest {

  private static final Pattern MEAN = Pattern.compile("(?m)^  mean .*?([\\d,]+) events/s ±");
  private static final Pattern ITERATION =
      Pattern.compile("(?m)^  iteration 1 .*?([\\d,]+) events .*?([\\d,]+) events/s");

  private final TracelineRun cli = new TracelineRun();

  @Test
  void reportsTheMachineTheMixAndEveryStage() {
    int code =
        cli.run(
            "bench",
            "ingest",
            "--warmup",
            "0s",
            "--duration",
            "200ms",
            "--iterations",
            "1",
            "--seconds-of-traffic",
            "5",
            "--requests-per-second",
            "50");

    String report = cli.out();
    assertThat(code).as(cli.err()).isZero();
    assertThat(report)
        .contains("available processors; 1 thread measured")
        .contains("  jvm ")
        .contains("  heap       max ")
        .contains("ShopWorkload seed 1: 50 requests/s for 5 s simulated")
        .contains("[1] decode + parse + normalise + stitch: RecordProcessor.process(")
        .contains("[2] parse + normalise + stitch: RecordProcessor.processDecoded(")
        .contains("[3] decode only: ")
        .contains("/aws/apigateway/")
        .contains("/aws/lambda/")
        .contains(" 0 dead letters")
        .doesNotContain("WARNING")
        .contains("summary (target: 300,000 events/s per core)");
    assertThat(all(Pattern.compile("(?m)^  records +([\\d,]+) "), 1, report))
        .singleElement()
        .satisfies(n -> assertThat(n).isPositive());
    assertThat(all(Pattern.compile("(?m)^  events +([\\d,]+) "), 1, report))
        .singleElement()
        .satisfies(n -> assertThat(n).isPositive());
    assertThat(all(Pattern.compile("(?m)^  line size  mean (\\d+) B, median (\\d+) B"), 2, report))
        .singleElement()
        .satisfies(n -> assertThat(n).isPositive());
    assertThat(all(ITERATION, 1, report)).hasSize(3).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(all(ITERATION, 2, report)).hasSize(3).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(all(MEAN, 1, report)).hasSize(3).allSatisfy(n -> assertThat(n).isPositive());
  }

  @Test
  void theDecodeOnlyStageCanBeSkipped() {
    int code =
        cli.run(
            "bench",
            "ingest",
            "--warmup=0s",
            "--duration=50ms",
            "--iterations=2",
            "--seconds-of-traffic=2",
            "--no-decode-only");

    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.out()).contains("[2] parse").doesNotContain("[3]");
    assertThat(all(MEAN, 1, cli.out())).hasSize(2);
  }

  @Test
  void badOptionsAreAllListedInOneMessage() {
    int code =
        cli.run(
            "bench",
            "ingest",
            "--warmup",
            "-1s",
            "--duration",
            "0s",
            "--iterations",
            "0",
            "--requests-per-second",
            "0",
            "--seconds-of-traffic",
            "0",
            "--target",
            "-5");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("invalid bench ingest options")
        .contains("--warmup must be between 0s and 10m")
        .contains("--duration must be positive")
        .contains("--iterations must be between 1 and 100")
        .contains("--requests-per-second must be in (0, 10000]")
        .contains("--seconds-of-traffic must be between 1 and 3600")
        .contains("--target must be positive");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void tooMuchTrafficToHoldInMemoryIsAUsageError() {
    assertThat(
            cli.run(
                "bench",
                "ingest",
                "--requests-per-second",
                "10000",
                "--seconds-of-traffic",
                "3600"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("must be at most 200,000 requests");
  }

  @Test
  void benchWithoutABenchmarkIsAUsageErrorAndBothHaveHelp() {
    assertThat(cli.run("bench")).isEqualTo(2);
    assertThat(cli.err()).contains("a benchmark is required");
    assertThat(cli.run("bench", "--help")).isZero();
    assertThat(cli.run("bench", "ingest", "--help")).isZero();
    assertThat(cli.out()).contains("Usage: traceline bench ingest").contains("--warmup");
  }
}
