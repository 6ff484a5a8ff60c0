package io.traceline.serve.query;

import io.traceline.model.FlagType;
import io.traceline.model.TimelineStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What the timeline search asks for; every field but the range is optional (null: any).
 *
 * @param range when the request started
 * @param service a service the request crossed
 * @param routeService the entry service (the route's service)
 * @param routeOperation the entry operation (the route's operation), only with {@code routeService}
 * @param flag a flag the timeline carries
 * @param minDurationMs the shortest duration shown
 * @param status the timeline's status
 * @param limit the most timelines returned, newest first
 */
public record SearchCriteria(
    TimeRange range,
    String service,
    String routeService,
    String routeOperation,
    FlagType flag,
    Long minDurationMs,
    TimelineStatus status,
    int limit) {

  /** Timelines returned when the request names no limit. */
  public static final int DEFAULT_LIMIT = 100;

  /** The most timelines one search returns. */
  public static final int MAX_LIMIT = 1000;

  /** The window searched when the request names none: the last hour. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

  /** The longest window one request may ask for (its chart then has one bucket a day). */
  public static final Duration MAX_WINDOW = Duration.ofDays(400);

  /** The latest instant a request may name: the end of year 9999, as the contracts' times. */
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  /**
   * The criteria of a request's query parameters: {@code from}, {@code to} (ISO-8601 or epoch ms;
   * default the last hour), {@code service}, {@code route} (the entry service, a space, the entry
   * operation; or the service alone), {@code flag}, {@code minDurationMs}, {@code status}, {@code
   * limit}.
   *
   * @throws BadQueryException listing every invalid parameter
   */
  public static SearchCriteria parse(Map<String, List<String>> params, Instant now) {
    Params p = new Params(params);
    TimeRange range = p.range(now);
    String route = p.text("route");
    String routeService = null;
    String routeOperation = null;
    if (route != null) {
      int space = route.indexOf(' ');
      routeService = space < 0 ? route : route.substring(0, space);
      routeOperation = space < 0 ? null : route.substring(space + 1);
    }
    FlagType flag =
        p.parsed("flag", v -> FlagType.valueOf(v.toUpperCase(Locale.ROOT)), FlagType.values());
    TimelineStatus status =
        p.parsed(
            "status",
            v -> TimelineStatus.valueOf(v.toUpperCase(Locale.ROOT)),
            TimelineStatus.values());
    Long minDuration = p.number("minDurationMs", 0, Long.MAX_VALUE);
    Long limit = p.number("limit", 1, MAX_LIMIT);
    p.throwProblems();
    return new SearchCriteria(
        range,
        p.text("service"),
        routeService,
        routeOperation,
        flag,
        minDuration,
        status,
        limit == null ? DEFAULT_LIMIT : limit.intValue());
  }

  /** Reads query parameters and collects every problem before failing once. */
  static final class Params {
    private final Map<String, List<String>> params;
    private final List<String> problems = new ArrayList<>();

    Params(Map<String, List<String>> params) {
      this.params = params;
    }

    /** The parameter's value, trimmed; null when absent or blank. */
    String text(String name) {
      List<String> values = params.get(name);
      if (values == null || values.isEmpty() || values.get(0).isBlank()) {
        return null;
      }
      return values.get(0).trim();
    }

    /** {@code from} and {@code to}; the last hour before {@code now} by default. */
    TimeRange range(Instant now) {
      Instant to = instant("to");
      Instant from = instant("from");
      Instant end = to == null ? now : to;
      Instant start = from == null ? end.minus(DEFAULT_WINDOW) : from;
      if (!end.isAfter(start)) {
        problems.add("to must be after from (from " + start + ", to " + end + ")");
        return TimeRange.last(DEFAULT_WINDOW, now);
      }
      if (Duration.between(start, end).compareTo(MAX_WINDOW) > 0) {
        problems.add("the window from " + start + " to " + end + " is longer than 400 days");
        return TimeRange.last(DEFAULT_WINDOW, now);
      }
      return new TimeRange(start, end);
    }

    Instant instant(String name) {
      String value = text(name);
      if (value == null) {
        return null;
      }
      try {
        Instant instant =
            value.chars().allMatch(Character::isDigit)
                ? Instant.ofEpochMilli(Long.parseLong(value))
                : Instant.parse(value);
        if (instant.isBefore(Instant.EPOCH) || instant.isAfter(LATEST)) {
          problems.add(name + " must lie between 1970 and 9999, was '" + value + "'");
          return null;
        }
        return instant;
      } catch (DateTimeParseException | NumberFormatException e) {
        problems.add(
            name + " must be ISO-8601 (2026-11-21T08:00:00Z) or epoch ms, was '" + value + "'");
        return null;
      }
    }

    Long number(String name, long min, long max) {
      String value = text(name);
      if (value == null) {
        return null;
      }
      try {
        long n = Long.parseLong(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problems.add(
          name + " must be a whole number from " + min + " to " + max + ", was '" + value + "'");
      return null;
    }

    <T> T parsed(String name, Function<String, T> parser, Object[] allowed) {
      String value = text(name);
      if (value == null) {
        return null;
      }
      try {
        return parser.apply(value);
      } catch (IllegalArgumentException e) {
        problems.add(
            name + " must be one of " + Arrays.toString(allowed) + ", was '" + value + "'");
        return null;
      }
    }

    void throwProblems() {
      if (!problems.isEmpty()) {
        throw new BadQueryException(problems);
      }
    }
  }
}
