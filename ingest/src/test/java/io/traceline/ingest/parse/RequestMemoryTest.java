package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RequestMemoryTest {

  private static final String TRACE = "6916f2828c41d2a7e5b03f19a6d4c2e1";
  private static final long T0 = 1_763_111_560_000L;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static void learn(RequestMemory memory, String requestId, long now) {
    memory.learn("g|s", requestId, TRACE, TraceIdFormat.XRAY, null, null, now);
  }

  private double evictions(String reason) {
    return registry.get(RequestMemory.EVICTIONS).tag("reason", reason).counter().count();
  }

  @Test
  void remembersATraceWithItsFormatStartTimeAndInitDuration() {
    RequestMemory memory = new RequestMemory(10, Duration.ofMinutes(1));
    memory.learn("g|s", "r1", TRACE, TraceIdFormat.XRAY_HEADER, 42L, 301.5, T0);
    memory.learn("g|s", "r1", TRACE, TraceIdFormat.XRAY_HEADER, null, null, T0 + 1); // kept

    RequestMemory.Known known = memory.trace("g|s", "r1", T0 + 2);
    assertThat(known.traceId).isEqualTo(TRACE);
    assertThat(known.format).isEqualTo(TraceIdFormat.XRAY_HEADER);
    assertThat(known.startTime).isEqualTo(42L);
    assertThat(known.initDurationMs).isEqualTo(301.5);
    assertThat(memory.trace("g|other", "r1", T0)).as("per log stream").isNull();
    assertThat(memory.size()).isEqualTo(1);
  }

  @Test
  void theLeastRecentlyUsedEntryGoesFirstWhenFull() {
    RequestMemory memory = new RequestMemory("shard-1", 3, Duration.ofMinutes(1), registry);
    learn(memory, "r1", T0);
    learn(memory, "r2", T0 + 1);
    learn(memory, "r3", T0 + 2);
    assertThat(memory.trace("g|s", "r1", T0 + 3)).isNotNull(); // r1 used: r2 is now the eldest

    learn(memory, "r4", T0 + 4);

    assertThat(memory.size()).isEqualTo(3);
    assertThat(memory.trace("g|s", "r2", T0 + 5)).isNull();
    assertThat(memory.trace("g|s", "r1", T0 + 5)).isNotNull();
    assertThat(memory.trace("g|s", "r4", T0 + 5)).isNotNull();
    assertThat(evictions("size")).isEqualTo(1);
  }

  @Test
  void logStreamsAndRequestIdsShareTheBoundInOneLeastRecentlyUsedOrder() {
    RequestMemory memory = new RequestMemory(2, Duration.ofMinutes(1));
    memory.stream("g|s", "r0", false, List.of(), T0);
    learn(memory, "r1", T0 + 1);
    learn(memory, "r2", T0 + 2); // the stream state is the least recently used

    assertThat(memory.stream("g|s", T0 + 3)).isNull();
    assertThat(memory.size()).isEqualTo(2);
  }

  @Test
  void entriesUnusedForLongerThanTheAgeAreForgotten() {
    RequestMemory memory = new RequestMemory("shard-1", 100, Duration.ofSeconds(60), registry);
    learn(memory, "old", T0);
    learn(memory, "used", T0 + 10);
    memory.stream("g|s", "used", false, List.of(), T0 + 10);
    assertThat(memory.trace("g|s", "used", T0 + 50_000)).isNotNull();
    memory.stream("g|s", T0 + 50_000);

    memory.expire(T0 + 60_001);

    assertThat(memory.trace("g|s", "old", T0 + 60_001)).isNull();
    assertThat(memory.trace("g|s", "used", T0 + 60_001)).isNotNull();
    assertThat(memory.stream("g|s", T0 + 60_001).openRequestId).isEqualTo("used");
    assertThat(evictions("age")).isEqualTo(1);

    memory.expire(T0 + 200_000);
    assertThat(memory.size()).isZero();
    assertThat(evictions("age")).isEqualTo(3);
  }

  @Test
  void anEmptyStreamStateIsForgotten() {
    RequestMemory memory = new RequestMemory(10, Duration.ofMinutes(1));
    LogEvent init = Lines.parse("/aws/lambda/fn", "INIT_START Runtime Version: nodejs:22.v1\n");
    memory.stream("g|s", null, false, List.of(init), T0);
    assertThat(memory.stream("g|s", T0).heldInit).containsExactly(init);

    memory.stream("g|s", null, false, List.of(), T0 + 1);

    assertThat(memory.size()).isZero();
  }

  @Test
  void theGaugeShowsTheSizeUntilClosed() {
    RequestMemory memory = new RequestMemory("shard-7", 10, Duration.ofMinutes(1), registry);
    learn(memory, "r1", T0);
    learn(memory, "r2", T0);

    assertThat(registry.get(RequestMemory.ENTRIES).tag("memory", "shard-7").gauge().value())
        .isEqualTo(2);
    memory.close();
    assertThat(registry.find(RequestMemory.ENTRIES).gauges()).isEmpty();
  }

  @Test
  void boundsAreValidated() {
    assertThatThrownBy(() -> new RequestMemory(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEntries");
    assertThatThrownBy(() -> new RequestMemory(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAge");
  }
}
