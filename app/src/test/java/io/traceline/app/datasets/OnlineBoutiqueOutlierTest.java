package io.traceline.app.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.traceline.model.FlagType;
import io.traceline.model.Timeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real data: Online Boutique (10 polyglot services, 5 log formats; MIT, see the dataset's README)
 * during a CPU-contention fault on currencyservice, which shows at p90/p99 of its calls and not at
 * p50. The fault-free minute (spans only) and the fault minute (log lines in their five formats
 * plus spans) go through the real replay path: ingest parses the lines and the aws/spans records,
 * the correlator assembles the timelines, learns its baselines from the fault-free requests and
 * flags the fault minute's. Nothing names a service: currencyservice must come out as the
 * top-ranked outlier hop.
 *
 * <p>The fault-free minute was recorded later the same day (17:00 against 13:29); it is replayed as
 * if it had been recorded 11 minutes before the fault minute (every time shifted by the same
 * amount), so that it lies in the baseline window the fault's requests are compared with.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OnlineBoutiqueOutlierTest {

  private static final String DATASET = "nezha-onlineboutique";
  private static final long LEAD_NANOS = TimeUnit.MINUTES.toNanos(11);

  @TempDir Path dir;

  @Test
  void currencyserviceIsTheTopRankedOutlierHopOfTheFaultMinute() throws Exception {
    Optional<Path> dataset = Datasets.find(DATASET);
    assumeTrue(dataset.isPresent(), "the shared datasets are not beside this checkout");
    EventIds ids = new EventIds();
    List<Nezha.SpanRow> baseline =
        Nezha.spanRows(
            dataset.get().resolve("construct_data/2022-08-23/trace/17_00_trace.csv.gz"), ids);
    List<Nezha.SpanRow> faultSpans =
        Nezha.spanRows(dataset.get().resolve("rca_data/2022-08-23/trace/13_29_trace.csv.gz"), ids);
    List<Nezha.LogLine> faultLines =
        Nezha.logLines(dataset.get().resolve("rca_data/2022-08-23/log/13_29_log.csv.gz"), ids);
    long faultStart = faultSpans.stream().mapToLong(Nezha.SpanRow::startNanos).min().orElseThrow();
    long baselineStart = baseline.stream().mapToLong(Nezha.SpanRow::startNanos).min().orElseThrow();
    long shift = faultStart - LEAD_NANOS - baselineStart;

    List<CloudWatchLine> lines = new ArrayList<>();
    baseline.forEach(s -> lines.add(s.shiftedBy(shift).toCloudWatch()));
    faultSpans.forEach(s -> lines.add(s.toCloudWatch()));
    faultLines.forEach(l -> lines.add(l.toCloudWatch()));
    DatasetReplay.Result replay = DatasetReplay.replay(dir, lines);

    Set<String> faultTraces = new HashSet<>();
    faultSpans.forEach(s -> faultTraces.add(s.traceId()));
    List<Timeline> fault = new ArrayList<>();
    List<Timeline> normal = new ArrayList<>();
    for (Timeline t : replay.timelines()) {
      (faultTraces.contains(t.traceId()) ? fault : normal).add(t);
    }
    assertThat(fault).hasSize(142);
    assertThat(normal).hasSize(502);

    // Rank the hops by the SEGMENT_OUTLIER flags of the fault minute's timelines.
    Map<String, Integer> byService = new TreeMap<>();
    int flagged = 0;
    for (Timeline t : fault) {
      boolean any = false;
      for (Timeline.Flag f : t.flags()) {
        if (f.type() == FlagType.SEGMENT_OUTLIER) {
          byService.merge(f.service(), 1, Integer::sum);
          any = true;
          assertThat(f.observed()).isGreaterThan(f.threshold());
          assertThat(f.quantile()).isEqualTo(0.99);
          assertThat(f.ratio()).isGreaterThanOrEqualTo(1.0);
        }
      }
      flagged += any ? 1 : 0;
    }
    String top =
        byService.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElseThrow();
    assertThat(top).as("outlier hops by service: %s", byService).isEqualTo("currencyservice");
    // The contention also delays when currencyservice's handlers start: that time is a gap
    // before its spans (no baseline), so not every slow request has an outlier hop of its own.
    assertThat(flagged).as("fault requests with an outlier hop").isGreaterThan(fault.size() / 4);
    // The fault-free requests were learned from, and hardly any is an outlier of its own.
    long normalFlagged = normal.stream().filter(t -> t.hasFlag(FlagType.SEGMENT_OUTLIER)).count();
    assertThat(normalFlagged).isLessThanOrEqualTo(normal.size() / 20);
  }
}
