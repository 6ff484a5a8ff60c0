package io.traceline.app.bench;

import static io.traceline.app.bench.Reports.all;
import static io.traceline.app.bench.Reports.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code traceline bench sink} on the real OpenSearch and an embedded broker with a tiny input: it
 * runs, reports the machine, the input, a warm-up and two measured passes of each kind with
 * positive rates, the sink's counters and the ratio against the target; after every pass the alias
 * holds each timeline once at its latest revision; no process outlives the command. Never asserts a
 * speed.
 */
@Timeout(180)
class SinkBenchmarkIT {

  private static final Pattern MEASURED =
      Pattern.compile("(?m)^  measured +[\\d.]+ s +([\\d,]+) timelines +([\\d,]+) timelines/s");
  private static final Pattern STORED =
      Pattern.compile(
          "(?m)^  stored +([\\d,]+) documents in traceline-timelines, revisions summing to"
              + " ([\\d,]+) \\(expected ([\\d,]+) and ([\\d,]+): each timeline once at its latest"
              + " revision\\)$");

  private final TracelineRun cli = new TracelineRun();

  @Test
  void reportsTheBulkLoopTheSinkAndTheirRatioWithEveryTimelineStored() {
    int code =
        cli.run(
            "bench",
            "sink",
            "--timelines=300",
            "--revised=20",
            "--batch-size=50",
            "--passes=2",
            "--warmup-passes=1",
            "--partitions=2",
            "--opensearch-heap=512m");

    String report = cli.out();
    assertThat(code).as(cli.err()).isZero();
    assertThat(report)
        .contains("available processors")
        .contains("  jvm ")
        .contains("-Xms512m -Xmx512m")
        .contains("batchSize 50")
        .contains("TraceWorkload seed 1: 300 traces of 5-30 events")
        .contains("traceline.timelines: 2 partitions")
        .contains("warm-up 1: bulk loop, not counted")
        .contains("warm-up 1: sink, not counted")
        .doesNotContain("warm-up 2")
        .contains("[1] bulk loop: OpenSearchIndexer.index over the records' bytes in memory")
        .contains("[2] sink: SinkService from the topic's start")
        .contains("[3] sink: ")
        .contains("[4] bulk loop: ")
        .contains("target: the sink at 0.8x the bulk loop or more")
        .doesNotContain("WARNING");
    Matcher timelines =
        Pattern.compile("(?m)^  timelines +([\\d,]+) records \\(300 first revisions \\+ ([\\d,]+)")
            .matcher(report);
    assertThat(timelines.find()).as(report).isTrue();
    long records = number(timelines.group(1));
    long revisions = number(timelines.group(2));
    assertThat(revisions).isPositive();
    assertThat(records).isEqualTo(300 + revisions);
    assertThat(all(MEASURED, 1, report)).hasSize(6).containsOnly(records);
    assertThat(all(MEASURED, 2, report)).hasSize(6).allSatisfy(r -> assertThat(r).isPositive());
    assertThat(all(STORED, 1, report)).hasSize(6).containsOnly(300L);
    assertThat(all(STORED, 2, report)).hasSize(6).containsOnly(records);
    assertThat(report)
        .contains(
            String.format(
                Locale.ROOT,
                "traceline.sink.documents %,d indexed, 0 stale, 0 retryable, 0 rejected; 0 dead"
                    + " letters, 0 retries",
                records))
        .contains(String.format(Locale.ROOT, "  items      %,d indexed, 0 otherwise", records));
    assertThat(report)
        .containsPattern("(?m)^  bulk loop +[\\d,]+ timelines/s ± ")
        .containsPattern("(?m)^  sink +[\\d,]+ timelines/s ± .*  \\d+\\.\\d\\dx: (met|missed)$");
    assertThat(ProcessHandle.current().descendants())
        .as("no child process outlives the command")
        .isEmpty();
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .doesNotContain("traceline-sink");
  }
}
