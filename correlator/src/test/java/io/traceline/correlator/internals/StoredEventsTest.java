package io.traceline.correlator.internals;

import static io.traceline.correlator.Events.TRACE;
import static io.traceline.correlator.Events.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.model.EventHeader;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import java.io.UncheckedIOException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class StoredEventsTest {

  private static final LogEvent EVENT = event(TRACE, "e1", 1_763_111_520_000L, "svc").build();

  private static RecordHeaders marked(String form) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(Json.CANONICAL_EVENT_HEADER, form.getBytes(UTF_8));
    return headers;
  }

  @Test
  void aMarkedEventIsKeptAsItCameAndReadBackWithItsBytes() {
    byte[] json = Json.writeEvent(EVENT);

    StoredEvents.Arriving arriving = StoredEvents.arriving(json, marked(Json.CANONICAL_EVENT_FORM));
    StoredEvents.Kept kept = StoredEvents.decode(arriving.stored());

    assertThat(arriving.header()).isEqualTo(EventHeader.of(EVENT));
    assertThat(arriving.length()).isEqualTo(json.length);
    assertThat(kept.event()).isEqualTo(EVENT);
    assertThat(kept.canonical()).isEqualTo(json);
    assertThat(StoredEvents.json(arriving.stored())).isEqualTo(json);
  }

  @Test
  void anUnmarkedOrOtherFormEventIsDecodedAndWrittenAgain() {
    String loose =
        "{ \"kind\":\"APP\", \"id\":\"e1\", \"timestamp\":1763111520000, \"traceId\":\""
            + TRACE
            + "\", \"level\":\"warning\", \"extra\":[1] }";

    for (RecordHeaders headers : new RecordHeaders[] {new RecordHeaders(), marked("0")}) {
      StoredEvents.Arriving arriving = StoredEvents.arriving(loose.getBytes(UTF_8), headers);
      StoredEvents.Kept kept = StoredEvents.decode(arriving.stored());

      assertThat(kept.event().level()).isEqualTo("WARN");
      assertThat(kept.canonical()).isEqualTo(Json.writeEvent(kept.event()));
    }
    assertThatThrownBy(
            () -> StoredEvents.arriving("{\"id\":1}".getBytes(UTF_8), new RecordHeaders()))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void plainJsonAndOtherFormsAreReadButNotCopied() {
    byte[] json = Json.writeEvent(EVENT);
    byte[] otherForm = new byte[json.length + 2];
    otherForm[0] = '\t';
    otherForm[1] = ' ';
    System.arraycopy(json, 0, otherForm, 2, json.length);

    for (byte[] stored : new byte[][] {json, otherForm}) {
      StoredEvents.Kept kept = StoredEvents.decode(stored);

      assertThat(kept.event()).isEqualTo(EVENT);
      assertThat(kept.canonical()).isNull();
      assertThat(StoredEvents.json(stored)).isEqualTo(json);
    }
  }

  /** Older versions read a kept value with a plain JSON reader: it must decode as it is. */
  @Test
  void aKeptValueIsJsonThatAPlainReaderReads() {
    byte[] stored =
        StoredEvents.arriving(Json.writeEvent(EVENT), marked(Json.CANONICAL_EVENT_FORM)).stored();

    assertThat(Json.readEvent(stored)).isEqualTo(EVENT);
  }

  @Test
  void theBeyondBoundsMarkerIsNoEvent() {
    byte[] stored = StoredEvents.arriving(Json.writeEvent(EVENT), new RecordHeaders()).stored();

    assertThat(StoredEvents.isEvent(StoredEvents.BEYOND_BOUNDS)).isFalse();
    assertThat(StoredEvents.isEvent(stored)).isTrue();
  }
}
