package io.traceline.app.bench;

import static io.traceline.app.bench.Reports.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code traceline bench open-traces} with a tiny load: it runs the correlator in a child JVM with
 * its heap cap, reports the child's heap after GC and RSS with every trace open, and the emit
 * latency of its samples; no process outlives the command. Never asserts a speed or a size.
 */
@Timeout(180)
class OpenTracesBenchmarkIT {

  private final TracelineRun cli = new TracelineRun();

  @Test
  void reportsHeapRssAndEmitLatencyAndLeavesNoProcessBehind() {
    int code =
        cli.run(
            "bench",
            "open-traces",
            "--traces=2000",
            "--samples=30",
            "--sample-time=1s",
            "--gap=15s",
            "--close-check=200ms",
            "--partitions=2",
            "--child-heap=256m",
            "--rocksdb-memory=32m");

    String report = cli.out();
    assertThat(code).as(cli.err()).isZero();
    assertThat(report)
        .contains("  jvm ")
        .contains("child      java -Xmx256m")
        .contains("rocksdb    every store bounded together to 32 MiB (rocksdb.memoryBytes;")
        .contains("exactly_once_v2, 1 stream thread")
        .contains("[1] memory of the correlator's JVM with 2,000 open traces")
        .contains("emitted so far (all open)")
        .contains("[2] emit latency of 30 sample traces")
        .contains("of 30 samples)")
        .doesNotContain("WARNING");
    Matcher heap =
        Pattern.compile("(?m)^  heap +([\\d,]+) MiB used after a full GC").matcher(report);
    assertThat(heap.find()).as(report).isTrue();
    assertThat(number(heap.group(1))).isPositive().isLessThan(256);
    Matcher rss = Pattern.compile("(?m)^  rss +([\\d,]+) MiB \\(VmRSS").matcher(report);
    assertThat(rss.find()).as(report).isTrue();
    assertThat(number(rss.group(1))).isGreaterThan(number(heap.group(1)));
    assertThat(report).containsPattern("(?m)^  of which +[\\d,]+ MiB committed by the JVM itself");
    assertThat(report)
        .containsPattern("(?m)^  latency +p50 -?[\\d,]+ ms  p99 -?[\\d,]+ ms  max -?[\\d,]+ ms")
        .containsPattern("(?m)^  heap after GC with 2,000 open traces +[\\d,]+ MiB  \\(target:");
    assertThat(ProcessHandle.current().descendants())
        .as("no child process outlives the command")
        .isEmpty();
  }
}
