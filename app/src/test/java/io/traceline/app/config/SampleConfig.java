package io.traceline.app.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A configuration record with every kind of key the loader handles, for its tests. */
public record SampleConfig(Kafka kafka, Stage stage) {

  public static SampleConfig defaults() {
    return new SampleConfig(
        new Kafka(null, "sample-app", Map.of("acks", "all")),
        new Stage(
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Mode.FAST,
            10,
            Path.of("data", "sample"),
            null,
            List.of("a"),
            null));
  }

  /** A Kafka client: one required key, one with a default, raw properties. */
  public record Kafka(
      @JsonProperty(required = true) String bootstrapServers,
      String applicationId,
      Map<String, String> properties) {

    public Kafka {
      properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (bootstrapServers != null && bootstrapServers.isBlank()) {
        problems.add("bootstrapServers must name at least one broker");
      }
      return problems;
    }
  }

  /** Values of every type: durations, an enum, a number, a path, an instant, a list, a secret. */
  public record Stage(
      Duration inactivityGap,
      Duration maxTraceAge,
      Mode mode,
      int maxEventsPerTrace,
      Path stateDir,
      Instant startTime,
      List<String> logGroups,
      String password) {

    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (maxEventsPerTrace < 1) {
        problems.add("maxEventsPerTrace must be at least 1, was " + maxEventsPerTrace);
      }
      if (password != null && password.startsWith("bad")) {
        // Quotes the secret on purpose: the loader must scrub it.
        problems.add("password is too weak: " + password);
      }
      return problems;
    }
  }

  /** An enum read in any case. */
  public enum Mode {
    FAST,
    CAREFUL
  }
}
