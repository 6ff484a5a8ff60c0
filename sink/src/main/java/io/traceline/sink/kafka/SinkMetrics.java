package io.traceline.sink.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.sink.opensearch.Outcome;
import io.traceline.sink.opensearch.Removal;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The sink's counters ({@code traceline.sink.*}). Thread-safe (Micrometer meters). */
final class SinkMetrics {

  private final MeterRegistry registry;
  private final Map<Outcome, Counter> documents = new EnumMap<>(Outcome.class);
  private final Map<Removal.Result, Counter> removals = new EnumMap<>(Removal.Result.class);
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  final Counter retried;
  final Counter outages;

  SinkMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Outcome outcome : Outcome.values()) {
      documents.put(
          outcome,
          Counter.builder("traceline.sink.documents")
              .description(
                  "Bulk items by outcome (a retryable item counts once per attempt; one superseded"
                      + " by a newer revision stored in its batch counts as stale, unsent)")
              .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    for (Removal.Result result : Removal.Result.values()) {
      removals.put(
          result,
          Counter.builder("traceline.sink.removals")
              .description(
                  "Deletes of an earlier revision in the next month's index, after a revision"
                      + " whose start moved into the previous month was stored, by outcome")
              .tag("outcome", result.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    for (String reason : SinkService.DLQ_REASONS) {
      deadLetter(reason);
    }
    retried =
        Counter.builder("traceline.sink.retries")
            .description("Bulk requests sent again after a retryable item or an outage")
            .register(registry);
    outages =
        Counter.builder("traceline.sink.outages")
            .description("Times consumption paused because OpenSearch was unavailable")
            .register(registry);
  }

  Counter documents(Outcome outcome) {
    return documents.get(outcome);
  }

  Counter removals(Removal.Result result) {
    return removals.get(result);
  }

  Counter deadLetter(String reason) {
    return deadLetters.computeIfAbsent(
        reason,
        r ->
            Counter.builder("traceline.sink.dead.letters")
                .description("Records sent to the DLQ, by reason")
                .tag("reason", r)
                .register(registry));
  }
}
