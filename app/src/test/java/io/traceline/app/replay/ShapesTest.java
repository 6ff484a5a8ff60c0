package io.traceline.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ShapesTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final long MILLIS = 1_763_111_558_412L; // 2025-11-14T09:12:38.412Z

  @Test
  void readsTheArrivalTimeInEveryFormTheCliAndLambdaPrint() {
    assertThat(Shapes.arrivalTime(NODES.textNode("2025-11-14T09:12:38.412000+00:00")))
        .isEqualTo(MILLIS);
    assertThat(Shapes.arrivalTime(NODES.textNode("2025-11-14T10:12:38.412+01:00")))
        .isEqualTo(MILLIS);
    assertThat(Shapes.arrivalTime(NODES.numberNode(1_763_111_558.412))).isEqualTo(MILLIS);
    assertThat(Shapes.arrivalTime(NODES.textNode("1763111558.412"))).isEqualTo(MILLIS);
  }

  @Test
  void anAbsentOrUnreadableArrivalTimeIsNull() {
    assertThat(Shapes.arrivalTime(null)).isNull();
    assertThat(Shapes.arrivalTime(NODES.nullNode())).isNull();
    assertThat(Shapes.arrivalTime(NODES.textNode("yesterday"))).isNull();
  }
}
