package io.traceline.sink.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.sink.opensearch.Outcome;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The sink's counters ({@code traceline.sink.*}). Thread-safe (Micrometer meters). */
final class SinkMetrics {

  private final MeterRegistry registry;
  private final Map<Outcome, Counter> documents = new EnumMap<>(Outcome.class);
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  final Counter retried;
  final Counter outages;

  SinkMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Outcome outcome : Outcome.values()) {
      documents.put(
          outcome,
          Counter.builder("traceline.sink.documents")
              .description("Bulk items by outcome (a retryable item counts once per attempt)")
              .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
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
