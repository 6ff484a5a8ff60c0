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
 * {@code traceline bench correlator} on its embedded broker with a tiny input: it runs, reports the
 * machine, the input, the plain consumer, the two Kafka Streams references and the correlator with
 * positive rates and their ratio, judges only the correlator against the target, leaves no thread
 * of a reference running, and its check finds every event stored and every trace emitted. Never
 * asserts a speed.
 */
@Timeout(180)
class CorrelatorBenchmarkIT {

  private static final Pattern PASS =
      Pattern.compile("(?m)^  pass \\d +[\\d.]+ s +([\\d,]+) events +([\\d,]+) events/s");
  private static final Pattern MEASURED =
      Pattern.compile("(?m)^  measured +[\\d.]+ s +([\\d,]+) events +([\\d,]+) events/s");
  private static final Pattern REFERENCES =
      Pattern.compile(
          "(?m)^  (?:\\[2\\] Kafka Streams, no processing|\\[3\\] Kafka Streams, each event stored)"
              + " \\(exactly_once_v2\\) +([\\d,]+) events/s  \\d+\\.\\d\\dx  reference$");

  private final TracelineRun cli = new TracelineRun();

  @Test
  void reportsThePlainConsumerTheReferencesAndTheCorrelatorOnTheSameTopic() {
    int code =
        cli.run(
            "bench",
            "correlator",
            "--events=3000",
            "--traces-per-second=200",
            "--guarantee=exactly_once_v2",
            "--partitions=2",
            "--gap=1s",
            "--close-check=100ms",
            "--warmup-events=1000");

    String report = cli.out();
    assertThat(code).as(cli.err()).isZero();
    assertThat(report)
        .contains("available processors")
        .contains("  jvm ")
        .contains("TraceWorkload seed 1: 200 traces/s")
        .contains("traceline.events: 2 partitions")
        .contains("[1] plain consumer: KafkaConsumer<byte[], byte[]>, read_committed")
        .contains(
            "[2] Kafka Streams, no processing (exactly_once_v2), reference: a processor that does"
                + " nothing with the record; the correlator's Streams configuration, 1 stream thread")
        .contains(
            "[3] Kafka Streams, each event stored (exactly_once_v2), reference: a processor that"
                + " puts each record (key:offset -> its bytes) into a persistent RocksDB store")
        .contains("[4] correlator, exactly_once_v2: CorrelatorService, 1 stream thread")
        .contains(" 0 duplicates, 0 dead letters")
        .contains(
            "target: the correlator at 0.4x the plain consumer or more; the Kafka Streams"
                + " references, the framework's floor, are not judged")
        .doesNotContain("WARNING");
    Matcher events =
        Pattern.compile("(?m)^  events +([\\d,]+) in ([\\d,]+) traces").matcher(report);
    assertThat(events.find()).as(report).isTrue();
    long generated = number(events.group(1));
    long traces = number(events.group(2));
    assertThat(generated).isGreaterThanOrEqualTo(3000);
    assertThat(report)
        .contains(String.format(Locale.ROOT, "%,d events stored", generated))
        .contains(String.format(Locale.ROOT, "%,d timelines for %,d traces", traces, traces));
    assertThat(all(PASS, 1, report)).containsExactly(generated, generated, generated);
    assertThat(all(PASS, 2, report)).hasSize(3).allSatisfy(r -> assertThat(r).isPositive());
    assertThat(report).containsPattern("(?m)^  mean +[\\d,]+ events/s ± ");
    assertThat(report).containsPattern("(?m)^warm-up: the correlator \\(exactly_once_v2\\) over");
    assertThat(all(MEASURED, 1, report)).containsExactly(generated, generated, generated);
    assertThat(all(MEASURED, 2, report)).hasSize(3).allSatisfy(r -> assertThat(r).isPositive());
    assertThat(all(REFERENCES, 1, report)).hasSize(2).allSatisfy(r -> assertThat(r).isPositive());
    assertThat(report)
        .containsPattern(
            "(?m)^  \\[4\\] correlator exactly_once_v2 +[\\d,]+"
                + " events/s  \\d+\\.\\d\\dx: (met|missed)$");
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .noneMatch(name -> name.contains("traceline-bench-reference-"));
  }
}
