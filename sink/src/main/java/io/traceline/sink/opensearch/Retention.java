package io.traceline.sink.opensearch;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Which monthly indices have outlived the retention: a month's index goes once the month's last
 * instant is older than the retention, so nothing younger than the retention is ever deleted and
 * nothing is kept longer than the retention plus one month. Pure.
 */
final class Retention {

  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("uuuu.MM", Locale.ROOT);

  private Retention() {}

  /** The names among {@code indices} that are monthly indices of a kind and have expired. */
  static List<String> expired(Collection<String> indices, Instant now, Duration retention) {
    List<String> expired = new ArrayList<>();
    for (String index : indices) {
      for (DocKind kind : DocKind.values()) {
        String prefix = kind.alias() + "-";
        if (index.startsWith(prefix) && ended(index.substring(prefix.length()), now, retention)) {
          expired.add(index);
        }
      }
    }
    return expired;
  }

  private static boolean ended(String month, Instant now, Duration retention) {
    YearMonth parsed;
    try {
      parsed = YearMonth.parse(month, MONTH);
    } catch (DateTimeParseException e) {
      return false; // not one of ours: an index that merely shares the prefix
    }
    Instant end = parsed.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    return !end.plus(retention).isAfter(now);
  }
}
