package io.traceline.app.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.traceline.model.Timeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real data: three production Zipkin traces (SmartThings, Yelp; Apache-2.0, see the dataset's
 * README), one span per line as a Zipkin collector logs them, through the real replay path. Each
 * becomes one timeline whose edges hold every caller -> callee link the span ids state: a server
 * span's client twin (Zipkin's shared spans) or its parent in another service, and a client span's
 * untraced peer (remoteEndpoint).
 */
@Timeout(120)
class ZipkinTimelinesTest {

  private static final String DATASET = "zipkin-production-traces";

  @TempDir Path dir;

  static List<String> files() {
    return ZipkinTraces.FILES;
  }

  @ParameterizedTest
  @MethodSource("files")
  void eachTraceBuildsOneTimelineWithTheEdgesItsSpansState(String file) throws Exception {
    Optional<Path> dataset = Datasets.find(DATASET);
    assumeTrue(dataset.isPresent(), "the shared datasets are not beside this checkout");
    List<ZipkinTraces.Span> spans = ZipkinTraces.read(dataset.get().resolve(file), new EventIds());

    DatasetReplay.Result replay =
        DatasetReplay.replay(dir, ZipkinTraces.toCloudWatch(spans), "--gap", "5m");

    assertThat(replay.timelines()).hasSize(1);
    Timeline t = replay.timelines().get(0);
    assertThat(replay.log()).contains(", 0 bad;").doesNotContain("routed to the DLQ");
    assertThat(t.eventCount()).isEqualTo(spans.size());
    Set<String> actual = new HashSet<>();
    for (Timeline.Edge e : t.edges()) {
      actual.add(e.from() + " -> " + e.to());
      assertThat(e.durationMs()).isNotNegative();
    }
    assertThat(actual).containsAll(statedLinks(spans));
    assertThat(t.segments()).allSatisfy(s -> assertThat(s.selfTimeMs()).isNotNegative());
    assertThat(t.bottleneck()).isNotNull();
  }

  /** Caller -> callee links the complete spans state by their ids. */
  private static Set<String> statedLinks(List<ZipkinTraces.Span> spans) {
    List<ZipkinTraces.Span> complete = new ArrayList<>();
    for (ZipkinTraces.Span s : spans) {
      if (s.hasTimestamp() && s.hasDuration()) {
        complete.add(s);
      }
    }
    Set<String> links = new HashSet<>();
    for (ZipkinTraces.Span s : complete) {
      ZipkinTraces.Span caller = null;
      for (ZipkinTraces.Span other : complete) {
        if (other.id().equals(s.id())) {
          continue; // the same record (its CloudWatch event id)
        }
        boolean twin =
            s.shared() && "CLIENT".equals(other.kind()) && other.spanId().equals(s.spanId());
        if (twin) {
          caller = other;
          break;
        }
        if (!s.shared() && other.spanId().equals(s.parentId()) && caller == null) {
          caller = other;
        }
      }
      if (caller != null && !caller.service().equals(s.service())) {
        links.add(caller.service() + " -> " + s.service());
      }
    }
    return links;
  }
}
