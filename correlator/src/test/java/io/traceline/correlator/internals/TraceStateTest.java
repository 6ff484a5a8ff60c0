package io.traceline.correlator.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stored layout of a trace's state is frozen: a change needs a new version and a reader. */
@Timeout(10)
class TraceStateTest {

  private static final TraceState STATE =
      new TraceState(TraceState.Phase.CLOSED, 1000, 2000, 8, 7, 1, 4096, 2, 3000, 4000);

  private static final String GOLDEN =
      "01" // version
          + "01" // phase CLOSED
          + "00000000000003e8" // openedAt
          + "00000000000007d0" // lastSeen
          + "00000008" // eventCount
          + "00000007" // storedCount
          + "00000001" // markedCount
          + "0000000000001000" // storedBytes
          + "00000002" // revision
          + "0000000000000bb8" // closedAt
          + "0000000000000fa0"; // scheduledAt

  @Test
  void theLayoutIsFrozen() {
    assertThat(HexFormat.of().formatHex(STATE.toBytes())).isEqualTo(GOLDEN);
  }

  @Test
  void roundTrips() {
    assertThat(TraceState.fromBytes(HexFormat.of().parseHex(GOLDEN))).isEqualTo(STATE);
    for (TraceState.Phase phase : TraceState.Phase.values()) {
      TraceState s = new TraceState(phase, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      assertThat(TraceState.fromBytes(s.toBytes())).isEqualTo(s);
    }
  }
}
