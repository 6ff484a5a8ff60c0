package io.traceline.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The Kafka and OpenSearch benchmarks reject bad options before starting anything, all of them in
 * one message, and describe themselves in their help.
 */
@Timeout(60)
class BenchOptionsTest {

  private final TracelineRun cli = new TracelineRun();

  @Test
  void badCorrelatorOptionsAreAllListedInOneMessage() {
    int code =
        cli.run(
            "bench",
            "correlator",
            "--events=0",
            "--partitions=0",
            "--threads=0",
            "--min-events=5",
            "--max-events=2",
            "--guarantee=exactly_once",
            "--gap=10ms",
            "--close-check=5ms");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("invalid bench correlator options")
        .contains("--events must be between 1 and")
        .contains("--partitions must be between 1 and 64")
        .contains("--threads must be between 1 and 16")
        .contains("--min-events and --max-events")
        .contains("--guarantee must be exactly_once_v2 or at_least_once, was 'exactly_once'")
        .contains("--gap must be between 100ms and 1h")
        .contains("--close-check must be between 10ms and the gap");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void badOpenTracesOptionsAreAllListedInOneMessage() {
    int code =
        cli.run(
            "bench",
            "open-traces",
            "--traces=0",
            "--samples=0",
            "--sample-time=-1s",
            "--gap=2s",
            "--close-check=3s",
            "--guarantee=none",
            "--child-heap=-Xmx512m",
            "--rocksdb-memory=8m");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("invalid bench open-traces options")
        .contains("--traces must be between 1 and 10,000,000")
        .contains("--samples must be between 1 and 100,000")
        .contains("--sample-time must be between 0s and 10m")
        .contains("--close-check must be between 10ms and the gap")
        .contains("--guarantee must be exactly_once_v2 or at_least_once, was 'none'")
        .contains("--child-heap must be a -Xmx size such as 512m")
        .contains("--rocksdb-memory: memoryBytes must be 0 (no bound) or from 16777216");
    assertThat(cli.out()).isEmpty();
    assertThat(cli.run("bench", "open-traces", "--rocksdb-memory=lots")).isEqualTo(2);
    assertThat(cli.err()).contains("--rocksdb-memory must be a size such as 64m, was 'lots'");
  }

  @Test
  void badSinkOptionsAreAllListedInOneMessage() {
    int code =
        cli.run(
            "bench",
            "sink",
            "--timelines=0",
            "--revised=101",
            "--min-events=6",
            "--max-events=5",
            "--batch-size=0",
            "--passes=0",
            "--warmup-passes=-1",
            "--partitions=65",
            "--opensearch-heap=-Xmx1g");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("invalid bench sink options")
        .contains("--timelines must be between 1 and 1,000,000, was 0")
        .contains("--revised must be between 0 and 100, was 101")
        .contains("--min-events and --max-events must satisfy 1 <= min <= max <= 500")
        .contains("--batch-size must be between 1 and 10,000, was 0")
        .contains("--passes must be between 1 and 20, was 0")
        .contains("--warmup-passes must be between 0 and 20, was -1")
        .contains("--partitions must be between 1 and 64, was 65")
        .contains("--opensearch-heap must be a size such as 512m or 1g, was -Xmx1g");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void theSinkBenchmarkRefusesAnInputLargerThanHalfTheHeap() {
    int code = cli.run("bench", "sink", "--timelines=1000000");

    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("invalid bench sink options")
        .contains("MiB of heap: raise -Xmx (TRACELINE_JAVA_OPTS) or generate fewer");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void theCorrelatorBenchmarksReferencePassesRunUnlessSkipped() {
    assertThat(parseCorrelator().reference).isTrue();
    assertThat(parseCorrelator("--reference").reference).isTrue();
    assertThat(parseCorrelator("--no-reference").reference).isFalse();
  }

  private static CorrelatorBenchmark parseCorrelator(String... args) {
    CorrelatorBenchmark command = new CorrelatorBenchmark();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void theBenchmarksAreListedAndHaveHelp() {
    assertThat(cli.run("bench", "--help")).isZero();
    assertThat(cli.out()).contains("correlator").contains("open-traces").contains("sink");
    assertThat(cli.run("bench", "correlator", "--help")).isZero();
    assertThat(cli.out())
        .contains("Usage: traceline bench correlator")
        .contains("--guarantee")
        .contains("--[no-]reference");
    assertThat(cli.run("bench", "open-traces", "--help")).isZero();
    assertThat(cli.out()).contains("Usage: traceline bench open-traces").contains("--child-heap");
    assertThat(cli.run("bench", "sink", "--help")).isZero();
    assertThat(cli.out())
        .contains("Usage: traceline bench sink")
        .contains("--batch-size")
        .contains("--warmup-passes");
  }
}
