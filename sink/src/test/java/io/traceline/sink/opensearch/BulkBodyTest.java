package io.traceline.sink.opensearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.traceline.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two bulk bodies the indexer sends: the versioned writes, then the removals they need. */
@Timeout(10)
class BulkBodyTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final long DEC_1 = Instant.parse("2026-12-01T00:00:30Z").toEpochMilli();
  private static final long NOV_30 = Instant.parse("2026-11-30T23:59:50Z").toEpochMilli();

  private static Doc timeline(int revision, long start) {
    return Documents.of(DocKind.TIMELINE, null, Fixtures.timelineJson(TRACE, revision, start));
  }

  @Test
  void everyDocumentIsAVersionedIndexActionFollowedByItsOwnBytes() throws IOException {
    Doc first = timeline(1, DEC_1);
    Doc moved = timeline(2, NOV_30);

    String[] lines =
        new String(OpenSearchIndexer.bulkBody(List.of(first, moved)), UTF_8).split("\n", -1);

    assertThat(lines).hasSize(5);
    assertThat(Json.MAPPER.readTree(lines[0])).isEqualTo(action("index", "2026.12", 1));
    assertThat(lines[1]).isEqualTo(new String(first.json(), UTF_8));
    assertThat(Json.MAPPER.readTree(lines[2])).isEqualTo(action("index", "2026.11", 2));
    assertThat(lines[3]).isEqualTo(new String(moved.json(), UTF_8));
    assertThat(lines[4]).isEmpty();
  }

  @Test
  void aMovedRevisionRemovesItsIdFromTheNextMonthUpToItsOwnVersion() throws IOException {
    Doc moved = timeline(2, NOV_30);

    String[] lines =
        new String(OpenSearchIndexer.removalBody(List.of(moved)), UTF_8).split("\n", -1);

    assertThat(lines).hasSize(2);
    assertThat(Json.MAPPER.readTree(lines[0])).isEqualTo(action("delete", "2026.12", 2));
    assertThat(lines[1]).isEmpty();
  }

  private static JsonNode action(String action, String month, int version) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.putObject(action)
        .put("_index", "traceline-timelines-" + month)
        .put("_id", TRACE)
        .put("version", version)
        .put("version_type", "external");
    return node;
  }
}
