package io.traceline.correlator.internals;

import io.traceline.model.DeadLetters;
import io.traceline.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The DLQ records of the correlator's processors: the rejected record as it came, its headers plus
 * the reason, a bounded detail, the stage and, when known, the source topic, partition and offset
 * ({@link DeadLetters}). Pure and stateless.
 */
final class DeadLetterRecords {

  /** Longest detail kept, in chars. */
  static final int MAX_DETAIL = 1024;

  private DeadLetterRecords() {}

  /**
   * The DLQ record of {@code record}, read from {@code sourceTopic} at {@code metadata} (empty in a
   * punctuation).
   */
  static Record<String, byte[]> of(
      Record<String, byte[]> record,
      String reason,
      String detail,
      String sourceTopic,
      Optional<RecordMetadata> metadata) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    // A dead letter is no longer trusted as the writer's bytes, should it ever be sent again.
    headers.remove(Json.CANONICAL_EVENT_HEADER);
    headers(headers, reason, detail);
    headers.add(DeadLetters.SOURCE, utf8(sourceTopic));
    metadata.ifPresent(
        m -> {
          headers.add(DeadLetters.PARTITION, utf8(Integer.toString(m.partition())));
          headers.add(DeadLetters.OFFSET, utf8(Long.toString(m.offset())));
        });
    return new Record<>(record.key(), record.value(), record.timestamp(), headers);
  }

  /** Adds the reason, the bounded detail and the stage to {@code headers} and returns them. */
  static Headers headers(Headers headers, String reason, String detail) {
    headers.add(DeadLetters.REASON, utf8(reason));
    headers.add(DeadLetters.DETAIL, utf8(truncate(detail)));
    headers.add(DeadLetters.STAGE, utf8("correlator"));
    return headers;
  }

  /** At most {@link #MAX_DETAIL} chars, never ending in half a surrogate pair. */
  static String truncate(String detail) {
    if (detail.length() <= MAX_DETAIL) {
      return detail;
    }
    int end =
        Character.isHighSurrogate(detail.charAt(MAX_DETAIL - 1)) ? MAX_DETAIL - 1 : MAX_DETAIL;
    return detail.substring(0, end);
  }

  static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
