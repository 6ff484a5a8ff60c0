package io.traceline.serve.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.model.FlagType;
import io.traceline.model.TimelineStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchCriteriaTest {

  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  private static SearchCriteria parse(Map<String, String> params) {
    return SearchCriteria.parse(
        params.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
        NOW);
  }

  @Test
  void defaultsToTheLastHourAndAHundredTimelines() {
    SearchCriteria c = parse(Map.of());
    assertThat(c.range()).isEqualTo(TimeRange.last(Duration.ofHours(1), NOW));
    assertThat(c.limit()).isEqualTo(SearchCriteria.DEFAULT_LIMIT);
    assertThat(c.service()).isNull();
    assertThat(c.flag()).isNull();
  }

  @Test
  void readsEveryParameter() {
    SearchCriteria c =
        parse(
            Map.of(
                "from", "2026-11-21T08:00:00Z",
                "to", String.valueOf(Instant.parse("2026-11-21T09:00:00Z").toEpochMilli()),
                "service", " shop-db ",
                "route", "shop-api GET /orders/{id}",
                "flag", "slo_breach",
                "minDurationMs", "500",
                "status", "revised",
                "limit", "20"));
    assertThat(c.range().from()).isEqualTo(Instant.parse("2026-11-21T08:00:00Z"));
    assertThat(c.range().to()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
    assertThat(c.service()).isEqualTo("shop-db");
    assertThat(c.routeService()).isEqualTo("shop-api");
    assertThat(c.routeOperation()).isEqualTo("GET /orders/{id}");
    assertThat(c.flag()).isEqualTo(FlagType.SLO_BREACH);
    assertThat(c.minDurationMs()).isEqualTo(500);
    assertThat(c.status()).isEqualTo(TimelineStatus.REVISED);
    assertThat(c.limit()).isEqualTo(20);
  }

  @Test
  void aRouteWithoutOperationNamesTheServiceOnly() {
    SearchCriteria c = parse(Map.of("route", "checkout-fn"));
    assertThat(c.routeService()).isEqualTo("checkout-fn");
    assertThat(c.routeOperation()).isNull();
  }

  @Test
  void fromAloneEndsNowAndBlankValuesAreAbsent() {
    SearchCriteria c = parse(Map.of("from", "2026-11-21T11:30:00Z", "service", "  ", "limit", ""));
    assertThat(c.range().to()).isEqualTo(NOW);
    assertThat(c.service()).isNull();
    assertThat(c.limit()).isEqualTo(SearchCriteria.DEFAULT_LIMIT);
  }

  @Test
  void listsEveryProblemAtOnce() {
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "from", "noon",
                        "flag", "SLOW",
                        "status", "DONE",
                        "minDurationMs", "abc",
                        "limit", "1001")))
        .isInstanceOfSatisfying(
            BadQueryException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(5)
                    .anyMatch(p -> p.startsWith("from must be ISO-8601"))
                    .anyMatch(p -> p.startsWith("flag must be one of [SLO_BREACH"))
                    .anyMatch(p -> p.startsWith("status must be one of"))
                    .anyMatch(
                        p ->
                            p.equals(
                                "minDurationMs must be a whole number from 0 to 9223372036854775807, was 'abc'"))
                    .anyMatch(
                        p -> p.equals("limit must be a whole number from 1 to 1000, was '1001'")));
  }

  @Test
  void anEmptyOrBackwardRangeIsAProblem() {
    assertThatThrownBy(
            () -> parse(Map.of("from", "2026-11-21T10:00:00Z", "to", "2026-11-21T10:00:00Z")))
        .isInstanceOf(BadQueryException.class)
        .hasMessageStartingWith("to must be after from");
  }

  @Test
  void aWindowIsAtMost400DaysBetween1970And9999() {
    assertThatThrownBy(() -> parse(Map.of("from", "0", "to", "9999999999999")))
        .isInstanceOf(BadQueryException.class)
        .hasMessageContaining("is longer than 400 days");
    assertThat(
            parse(Map.of("from", "2026-01-01T00:00:00Z", "to", "2027-02-04T00:00:00Z"))
                .range()
                .length())
        .isEqualTo(Duration.ofDays(399));
    assertThatThrownBy(
            () ->
                parse(Map.of("from", "-200000000-01-01T00:00:00Z", "to", "+10000-01-01T00:00:00Z")))
        .isInstanceOfSatisfying(
            BadQueryException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "from must lie between 1970 and 9999, was '-200000000-01-01T00:00:00Z'",
                        "to must lie between 1970 and 9999, was '+10000-01-01T00:00:00Z'"));
  }

  @Test
  void theBaselineIsTheSixWindowsBefore() {
    TimeRange range = new TimeRange(Instant.parse("2026-11-21T11:00:00Z"), NOW);
    assertThat(range.baseline())
        .isEqualTo(
            new TimeRange(
                Instant.parse("2026-11-21T05:00:00Z"), Instant.parse("2026-11-21T11:00:00Z")));
    assertThat(range.json()).containsEntry("from", range.from().toEpochMilli());
  }
}
