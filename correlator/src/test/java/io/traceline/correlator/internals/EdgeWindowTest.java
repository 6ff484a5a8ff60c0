package io.traceline.correlator.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.model.ServiceEdgeStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EdgeWindowTest {

  private static final long MINUTE = 1_763_111_520_000L;

  @Test
  void itsStoredFormSaysWhetherCallsArrivedSinceTheLastEmissionWithoutDecodingTheSketch() {
    EdgeWindow window = EdgeWindow.empty();
    window.add(new EdgeCalls.Call(MINUTE + 5, 40, false));
    window.add(new EdgeCalls.Call(MINUTE + 9, 60, true));
    assertThat(EdgeWindow.changedSinceEmitted(window.toBytes())).isTrue();

    ServiceEdgeStats first = window.emit(MINUTE, "a", "b");
    byte[] emitted = window.toBytes();
    assertThat(EdgeWindow.changedSinceEmitted(emitted)).isFalse();
    assertThat(first.calls()).isEqualTo(2);
    assertThat(first.errors()).isEqualTo(1);
    assertThat(first.revision()).isEqualTo(1);

    EdgeWindow restored = EdgeWindow.fromBytes(emitted);
    restored.add(new EdgeCalls.Call(MINUTE + 30, 50, false));
    assertThat(EdgeWindow.changedSinceEmitted(restored.toBytes())).isTrue();
    ServiceEdgeStats second = restored.emit(MINUTE, "a", "b");
    assertThat(second.revision()).isEqualTo(2);
    assertThat(second.calls()).isEqualTo(3);
    assertThat(second.maxMs()).isBetween(59.0, 61.0);
  }

  @Test
  void bytesThatAreNoWindowAreRejectedAndCountAsNeedingWork() {
    byte[] junk = {9, 9, 9};
    assertThat(EdgeWindow.changedSinceEmitted(junk)).isTrue();
    assertThatThrownBy(() -> EdgeWindow.fromBytes(junk))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
