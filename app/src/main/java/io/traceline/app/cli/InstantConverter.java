package io.traceline.app.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * Reads points in time: an ISO-8601 instant ({@code 2025-11-14T08:00:00Z}), an ISO-8601 date-time
 * with offset ({@code 2025-11-14T09:00:00+01:00}) or epoch milliseconds ({@code 1763107200000}).
 */
public final class InstantConverter implements CommandLine.ITypeConverter<Instant> {

  @Override
  public Instant convert(String value) {
    Instant t = parse(value);
    if (t == null) {
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not a time (examples: 2025-11-14T08:00:00Z, 2025-11-14T09:00:00+01:00,"
              + " 1763107200000)");
    }
    return t;
  }

  /** The instant, or null when {@code value} is not one. */
  public static Instant parse(String value) {
    String v = value.trim();
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(v));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
