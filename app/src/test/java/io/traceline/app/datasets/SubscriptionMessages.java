package io.traceline.app.datasets;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.replay.ReplayInput;
import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converted dataset lines as the input of {@code traceline replay} (decoded CloudWatch subscription
 * messages, one JSON document per line), and that input read back through ingest the way replay
 * reads it.
 */
final class SubscriptionMessages {

  /** Events per message at most (CloudWatch batches a stream's events; these stay small). */
  static final int BATCH = 50;

  private SubscriptionMessages() {}

  /**
   * Writes what CloudWatch would deliver: per log group and stream, events in time order in batches
   * of at most {@link #BATCH}; the batches of all streams in the order of their first event's time
   * (both sorts stable: equal times keep the input order).
   */
  static void write(List<CloudWatchLine> lines, Path out) throws IOException {
    Map<String, List<CloudWatchLine>> byStream = new LinkedHashMap<>();
    lines.stream()
        .sorted(Comparator.comparingLong(CloudWatchLine::timestamp))
        .forEach(
            l ->
                byStream
                    .computeIfAbsent(l.logGroup() + '\n' + l.logStream(), s -> new ArrayList<>())
                    .add(l));
    List<List<CloudWatchLine>> batches = new ArrayList<>();
    for (List<CloudWatchLine> stream : byStream.values()) {
      for (int i = 0; i < stream.size(); i += BATCH) {
        batches.add(stream.subList(i, Math.min(stream.size(), i + BATCH)));
      }
    }
    batches.sort(Comparator.comparingLong(b -> b.get(0).timestamp()));
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (List<CloudWatchLine> batch : batches) {
        CloudWatchLine first = batch.get(0);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("messageType", "DATA_MESSAGE");
        message.put("owner", "123456789012");
        message.put("logGroup", first.logGroup());
        message.put("logStream", first.logStream());
        message.put("subscriptionFilters", List.of("traceline"));
        List<Map<String, Object>> events = new ArrayList<>();
        for (CloudWatchLine l : batch) {
          events.add(
              Map.of("id", l.id(), "timestamp", l.timestamp(), "message", l.message() + "\n"));
        }
        message.put("logEvents", events);
        w.write(Json.MAPPER.writeValueAsString(message));
        w.newLine();
      }
    }
  }

  /**
   * What ingest made of a replay input.
   *
   * @param events every event, message by message (keyed ones before unkeyed ones)
   * @param deadLetters input ingest could not decode or parse
   * @param badItems values of the file that replay would reject before ingest
   */
  record Ingested(List<LogEvent> events, int deadLetters, int badItems) {

    /** The events by their (CloudWatch) event id; fails on a duplicate id. */
    Map<String, LogEvent> byId() {
      Map<String, LogEvent> byId = new HashMap<>();
      for (LogEvent e : events) {
        if (byId.put(e.id(), e) != null) {
          throw new IllegalStateException("two events with id " + e.id());
        }
      }
      return byId;
    }
  }

  /**
   * Reads a replay input as {@code traceline replay} does ({@link ReplayInput}, then {@link
   * RecordProcessor#processJson} per decoded message): the real decode, parse, normalise and stitch
   * path, without the correlator.
   */
  static Ingested ingest(Path input) throws IOException {
    RecordProcessor processor = new RecordProcessor(new SimpleMeterRegistry());
    List<LogEvent> events = new ArrayList<>();
    int deadLetters = 0;
    int bad = 0;
    try (ReplayInput in = ReplayInput.open(input)) {
      while (in.hasNext()) {
        ReplayInput.Item item = in.next();
        if (item instanceof ReplayInput.Decoded d) {
          Outcome outcome =
              processor.processJson(d.json(), new Source(d.source(), null, d.sequence()));
          events.addAll(outcome.keyed());
          events.addAll(outcome.unkeyed());
          deadLetters += outcome.deadLetters().size();
        } else {
          bad++;
        }
      }
    }
    return new Ingested(events, deadLetters, bad);
  }
}
