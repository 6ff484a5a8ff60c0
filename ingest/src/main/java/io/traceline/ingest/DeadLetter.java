package io.traceline.ingest;

import java.util.Objects;

/**
 * Input that could not be turned into events, kept with the reason so nothing is lost: it goes to
 * {@code traceline.dlq} with the reason, detail and source in headers. Immutable, except that the
 * payload array is shared, not copied.
 *
 * <p>For a record that failed to decode, {@code payload} is the original Kinesis record data (byte
 * for byte). For a single bad event inside a decoded message, it is a subscription message JSON
 * document holding only that event (replayable through {@code SubscriptionDecoder.decodeJson}).
 *
 * @param reason machine-readable reason, lower case with dashes ({@code not-gzip}, {@code
 *     invalid-event}...)
 * @param detail what exactly was wrong, for humans
 * @param payload the bytes to keep; not copied (treat as read-only)
 * @param source where the input came from
 */
@SuppressWarnings("ArrayRecordComponent") // bytes are carried, never compared
public record DeadLetter(String reason, String detail, byte[] payload, Source source) {
  public DeadLetter {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(source, "source");
    detail = detail == null ? "" : detail;
  }
}
