package io.traceline.correlator.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.traceline.model.FlagType;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Timeline.Hop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules on real data: Online Boutique's fault-free minute (502 requests) as the baseline and
 * its CPU-contention minute on currencyservice (142 requests) compared with it. The fault shows at
 * p90/p99 of currencyservice, not at its median. Requests and hops are built from the span table
 * the way the correlator builds them from logs: one hop per service and operation, its value the
 * self time (time not covered by child spans). Skipped when the shared datasets are not beside the
 * checkout.
 */
@Timeout(60)
class OnlineBoutiqueTailFaultTest {

  private static final String DATASET = "nezha-onlineboutique";
  private static final OutlierRules DEFAULT_RULES =
      new OutlierRules(0.99, 1.5, 20, 50, 0.95, Duration.ofHours(1));

  @Test
  void theCpuContentionOnCurrencyserviceIsFlaggedOnItsHops() throws IOException {
    Path dataset = dataset();
    List<TraceSample> normal =
        samples(dataset.resolve("construct_data/2022-08-23/trace/17_00_trace.csv.gz"));
    List<TraceSample> fault =
        samples(dataset.resolve("rca_data/2022-08-23/trace/13_29_trace.csv.gz"));
    assertThat(normal).hasSize(502);
    assertThat(fault).hasSize(142);

    RouteStats learned = RouteStats.empty();
    normal.forEach(s -> learned.add(s, 64));
    RouteBaseline baseline = learned.baseline(DEFAULT_RULES.quantile());

    Map<String, Integer> bySegment = new TreeMap<>();
    int faultTracesOnCurrency = 0;
    for (TraceSample s : fault) {
      boolean onCurrency = false;
      for (Flag f : DEFAULT_RULES.flags(s, baseline)) {
        if (f.type() == FlagType.SEGMENT_OUTLIER) {
          bySegment.merge(f.service() + " " + f.operation(), 1, Integer::sum);
          onCurrency |= f.operation().contains("CurrencyService");
        }
      }
      faultTracesOnCurrency += onCurrency ? 1 : 0;
    }
    int currencyFlags =
        bySegment.entrySet().stream()
            .filter(e -> e.getKey().contains("CurrencyService"))
            .mapToInt(Map.Entry::getValue)
            .sum();
    int allFlags = bySegment.values().stream().mapToInt(Integer::intValue).sum();
    int normalTracesFlagged = 0;
    for (TraceSample s : normal) {
      normalTracesFlagged += DEFAULT_RULES.flags(s, baseline).isEmpty() ? 0 : 1;
    }

    // Most requests of the fault minute are flagged on a currency hop (the server's own time or
    // the time its callers wait for it to be scheduled), and nearly every segment flag is one.
    assertThat(faultTracesOnCurrency).as("%s", bySegment).isGreaterThanOrEqualTo(110);
    assertThat(currencyFlags).as("%s", bySegment).isGreaterThanOrEqualTo(allFlags * 95 / 100);
    // The most flagged hop is a currency call.
    String top =
        bySegment.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElseThrow();
    assertThat(top).contains("CurrencyService");
    // The fault-free minute against its own baseline: hardly anything.
    assertThat(normalTracesFlagged).isLessThanOrEqualTo(normal.size() / 50);
  }

  private static Path dataset() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("datasets").resolve(DATASET);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    assumeTrue(false, "the shared datasets are not beside this checkout");
    throw new AssertionError("unreachable");
  }

  /** One sample per trace of a span table (gzip CSV). */
  private static List<TraceSample> samples(Path file) throws IOException {
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      in.readLine(); // TraceID,SpanID,ParentID,PodName,OperationName,Start,End,Duration
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",", -1);
        byTrace
            .computeIfAbsent(f[0], t -> new ArrayList<>())
            .add(
                new Span(
                    f[1], f[2], service(f[3]), f[4], Long.parseLong(f[5]), Long.parseLong(f[6])));
      }
    }
    List<TraceSample> samples = new ArrayList<>();
    for (List<Span> spans : byTrace.values()) {
      samples.add(sample(spans));
    }
    return samples;
  }

  private static TraceSample sample(List<Span> spans) {
    Map<String, List<Span>> children = new HashMap<>();
    Span root = null;
    for (Span s : spans) {
      children.computeIfAbsent(s.parent, p -> new ArrayList<>()).add(s);
      if (s.parent.equals("root")) {
        root = s;
      }
    }
    Map<Hop, Long> selfNanos = new TreeMap<>(HopCodec.ORDER);
    for (Span s : spans) {
      long self = s.end - s.start - covered(s, children.getOrDefault(s.id, List.of()));
      selfNanos.merge(new Hop(s.service, s.operation), self, Long::sum);
    }
    TreeMap<Hop, Long> selfMs = new TreeMap<>(HopCodec.ORDER);
    selfNanos.forEach((hop, nanos) -> selfMs.put(hop, Math.round(nanos / 1e6)));
    return new TraceSample(
        new Hop(root.service, root.operation),
        root.start / 1_000_000,
        Math.round((root.end - root.start) / 1e6),
        selfMs,
        true,
        true);
  }

  /** Nanoseconds of {@code span} that its children cover (their union, clipped to the span). */
  private static long covered(Span span, List<Span> children) {
    List<long[]> intervals = new ArrayList<>();
    for (Span c : children) {
      long from = Math.max(span.start, c.start);
      long to = Math.min(span.end, c.end);
      if (to > from) {
        intervals.add(new long[] {from, to});
      }
    }
    intervals.sort(Comparator.comparingLong(i -> i[0]));
    long total = 0;
    long from = Long.MIN_VALUE;
    long to = Long.MIN_VALUE;
    for (long[] i : intervals) {
      if (i[0] > to) {
        total += to - from;
        from = i[0];
        to = i[1];
      } else {
        to = Math.max(to, i[1]);
      }
    }
    return total + (to - from);
  }

  /** {@code currencyservice-cf787dd48-vpjrd} -> {@code currencyservice}. */
  private static String service(String pod) {
    String[] parts = pod.split("-");
    return parts.length <= 2 ? pod : String.join("-", List.of(parts).subList(0, parts.length - 2));
  }

  private record Span(
      String id, String parent, String service, String operation, long start, long end) {}
}
