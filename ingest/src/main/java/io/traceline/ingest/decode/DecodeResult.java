package io.traceline.ingest.decode;

import java.util.Objects;

/**
 * What {@link SubscriptionDecoder} made of one payload: data, a control message, or a failure with
 * its reason. Immutable.
 */
public sealed interface DecodeResult {

  /** A {@code DATA_MESSAGE}: log events to parse. */
  record Data(SubscriptionMessage message) implements DecodeResult {
    public Data {
      Objects.requireNonNull(message, "message");
    }
  }

  /** A {@code CONTROL_MESSAGE}: a CloudWatch health check, counted and skipped. */
  record Control(SubscriptionMessage message) implements DecodeResult {
    public Control {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The payload could not be decoded.
   *
   * @param reason machine-readable reason (see {@link DecodeFailure#code()})
   * @param detail what exactly was wrong, for humans (DLQ detail header)
   */
  record Failed(DecodeFailure reason, String detail) implements DecodeResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      detail = detail == null ? "" : detail;
    }
  }
}
