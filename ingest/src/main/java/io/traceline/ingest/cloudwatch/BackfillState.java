package io.traceline.ingest.cloudwatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The resumable progress of a backfill: what was asked (groups, window, pattern) and, per group,
 * the FilterLogEvents token of the next page to read or that the group is complete. Written
 * atomically (temp file, fsync, rename) after each page whose events Kafka acknowledged. Immutable;
 * {@link #advance} returns a new state.
 */
record BackfillState(
    List<String> logGroups,
    long startTime,
    long endTime,
    String filterPattern,
    Map<String, Progress> progress) {

  static final int VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  BackfillState {
    logGroups = List.copyOf(logGroups);
    filterPattern = filterPattern == null ? "" : filterPattern;
    progress = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(progress));
  }

  /**
   * One group's progress.
   *
   * @param nextToken the token of the next page to read; null = from the start (or complete)
   * @param complete whether the last page was published
   * @param pages pages published so far (all runs)
   * @param events events read so far (all runs)
   */
  record Progress(String nextToken, boolean complete, long pages, long events) {
    static final Progress NOT_STARTED = new Progress(null, false, 0, 0);
  }

  /** A fresh state for {@code request}. */
  static BackfillState start(Backfill.Request request) {
    Map<String, Progress> progress = new LinkedHashMap<>();
    for (String g : request.logGroups()) {
      progress.put(g, Progress.NOT_STARTED);
    }
    return new BackfillState(
        request.logGroups(),
        request.startTime(),
        request.endTime(),
        request.filterPattern(),
        progress);
  }

  /** How this state differs from {@code request}; empty when it may be resumed. */
  List<String> mismatches(Backfill.Request request) {
    List<String> out = new ArrayList<>();
    if (!new java.util.HashSet<>(logGroups).equals(new java.util.HashSet<>(request.logGroups()))) {
      out.add("log groups " + logGroups + " (now " + request.logGroups() + ")");
    }
    if (startTime != request.startTime() || endTime != request.endTime()) {
      out.add(
          "window "
              + startTime
              + ".."
              + endTime
              + " (now "
              + request.startTime()
              + ".."
              + request.endTime()
              + ")");
    }
    if (!filterPattern.equals(request.filterPattern())) {
      out.add("filter pattern \"" + filterPattern + "\" (now \"" + request.filterPattern() + "\")");
    }
    return out;
  }

  Progress of(String logGroup) {
    return progress.getOrDefault(logGroup, Progress.NOT_STARTED);
  }

  /** The state after one more published page of {@code logGroup}. */
  BackfillState advance(String logGroup, String nextToken, int events) {
    Progress p = of(logGroup);
    boolean complete = nextToken == null || nextToken.isEmpty();
    Map<String, Progress> next = new LinkedHashMap<>(progress);
    next.put(
        logGroup,
        new Progress(complete ? null : nextToken, complete, p.pages() + 1, p.events() + events));
    return new BackfillState(logGroups, startTime, endTime, filterPattern, next);
  }

  byte[] toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", VERSION);
    logGroups.forEach(root.putArray("logGroups")::add);
    root.put("startTime", startTime);
    root.put("endTime", endTime);
    root.put("filterPattern", filterPattern);
    ObjectNode groups = root.putObject("progress");
    progress.forEach(
        (g, p) -> {
          ObjectNode n = groups.putObject(g);
          if (p.nextToken() == null) {
            n.putNull("nextToken");
          } else {
            n.put("nextToken", p.nextToken());
          }
          n.put("complete", p.complete());
          n.put("pages", p.pages());
          n.put("events", p.events());
        });
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  /**
   * Reads a state file.
   *
   * @throws IllegalArgumentException when it is not a state file of this version
   */
  static BackfillState fromJson(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || root.path("version").asInt(-1) != VERSION) {
      throw new IllegalArgumentException("not a backfill state file of version " + VERSION);
    }
    List<String> groups = new ArrayList<>();
    root.path("logGroups").forEach(n -> groups.add(n.asText()));
    Map<String, Progress> progress = new LinkedHashMap<>();
    JsonNode saved = root.path("progress");
    for (String group : groups) {
      JsonNode n = saved.path(group);
      JsonNode token = n.path("nextToken");
      progress.put(
          group,
          new Progress(
              token.isTextual() ? token.asText() : null,
              n.path("complete").asBoolean(false),
              n.path("pages").asLong(0),
              n.path("events").asLong(0)));
    }
    return new BackfillState(
        groups,
        root.path("startTime").asLong(),
        root.path("endTime").asLong(),
        root.path("filterPattern").asText(""),
        progress);
  }

  /** Reads {@code file}. */
  static BackfillState read(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return fromJson(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Writes {@code file} atomically: a temp file next to it, fsync, rename over it. */
  void write(Path file) {
    Path target = file.toAbsolutePath();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(toJson());
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the backfill state " + file, e);
    }
  }
}
