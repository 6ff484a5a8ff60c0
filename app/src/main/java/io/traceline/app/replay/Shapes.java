package io.traceline.app.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** Recognises the shape of one JSON value and turns it into a {@link ReplayInput.Item}. Pure. */
final class Shapes {

  private Shapes() {}

  /**
   * Classifies one value: a record or line with base64 {@code Data}/{@code data} (also inside
   * {@code kinesis} or {@code awslogs}), or a decoded subscription message.
   *
   * @param fallbackSequence {@code <file>:<index>}, used when the value has no sequence number
   */
  static ReplayInput.Item classify(
      ObjectMapper mapper, JsonNode value, String source, String fallbackSequence) {
    if (!value.isObject()) {
      return new ReplayInput.Bad(
          source,
          fallbackSequence,
          ReplayInput.Bad.UNKNOWN_SHAPE,
          "expected a JSON object, found "
              + value.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    String sequence = firstText(value, fallbackSequence, "SequenceNumber", "sequenceNumber");
    JsonNode data = value.has("Data") ? value.get("Data") : value.get("data");
    if (data != null) {
      return decode(data, source, sequence, arrivalTime(value.get("ApproximateArrivalTimestamp")));
    }
    JsonNode kinesis = value.get("kinesis");
    if (kinesis != null && kinesis.has("data")) {
      return decode(
          kinesis.get("data"),
          source,
          firstText(kinesis, sequence, "sequenceNumber"),
          arrivalTime(kinesis.get("approximateArrivalTimestamp")));
    }
    JsonNode awslogs = value.get("awslogs");
    if (awslogs != null && awslogs.has("data")) {
      return decode(awslogs.get("data"), source, sequence, null);
    }
    if (value.path("messageType").isTextual() && value.path("logEvents").isArray()) {
      try {
        return new ReplayInput.Decoded(mapper.writeValueAsBytes(value), source, sequence);
      } catch (JsonProcessingException e) {
        return new ReplayInput.Bad(source, sequence, ReplayInput.Bad.UNKNOWN_SHAPE, e.getMessage());
      }
    }
    return new ReplayInput.Bad(
        source,
        sequence,
        ReplayInput.Bad.UNKNOWN_SHAPE,
        "no Data/data, kinesis.data, awslogs.data or messageType+logEvents; fields: "
            + fieldNames(value));
  }

  /**
   * Kinesis' {@code ApproximateArrivalTimestamp}: ISO-8601 with an offset (AWS CLI v2) or epoch
   * seconds with a fraction (CLI v1, Lambda events); null when absent or unreadable.
   */
  static Long arrivalTime(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isNumber()) {
      return Math.round(value.asDouble() * 1000);
    }
    String text = value.asText().trim();
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException notIso) {
      try {
        return Math.round(Double.parseDouble(text) * 1000);
      } catch (NumberFormatException notSeconds) {
        return null;
      }
    }
  }

  private static ReplayInput.Item decode(
      JsonNode data, String source, String sequence, Long arrivalTime) {
    if (!data.isTextual()) {
      return new ReplayInput.Bad(
          source,
          sequence,
          ReplayInput.Bad.INVALID_BASE64,
          "data is a JSON "
              + data.getNodeType().toString().toLowerCase(Locale.ROOT)
              + ", not a base64 string");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data.asText());
    } catch (IllegalArgumentException e) {
      return new ReplayInput.Bad(source, sequence, ReplayInput.Bad.INVALID_BASE64, e.getMessage());
    }
    if (bytes.length == 0) {
      return new ReplayInput.Bad(source, sequence, ReplayInput.Bad.EMPTY_DATA, "data is empty");
    }
    return new ReplayInput.Gzip(bytes, source, sequence, arrivalTime);
  }

  private static String firstText(JsonNode node, String otherwise, String... names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && value.isValueNode() && !value.asText().isEmpty()) {
        return value.asText();
      }
    }
    return otherwise;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names.size() > 10 ? names.subList(0, 10) : names;
  }
}
