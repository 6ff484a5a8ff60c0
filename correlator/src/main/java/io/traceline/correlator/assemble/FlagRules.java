package io.traceline.correlator.assemble;

import io.traceline.model.EventKind;
import io.traceline.model.FlagType;
import io.traceline.model.LogEvent;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Flag;
import io.traceline.model.Timeline.Segment;
import io.traceline.model.TimelineStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules that flag a timeline from what its lines say: static SLO, cold starts, timeouts,
 * errors, throttling, connection-pool exhaustion, slow queries, incompleteness. At most one flag
 * per type and service. Pure and thread-safe. Learned baselines (LATENCY_OUTLIER, SEGMENT_OUTLIER,
 * MISSING_HOP) need state and live in the topology, not here.
 */
final class FlagRules {

  private static final List<String> TIMEOUT_MARKERS =
      List.of(
          "task timed out",
          "etimedout",
          "timed out",
          "connecttimeout",
          "readtimeout",
          "timeouterror",
          "endpoint request timed out");
  private static final List<String> THROTTLE_MARKERS =
      List.of(
          "toomanyrequestsexception",
          "rate exceeded",
          "throttlingexception",
          "limitexceeded",
          "too many requests");
  private static final List<String> POOL_MARKERS =
      List.of(
          "connection is not available, request timed out",
          "remaining connection slots are reserved",
          "sorry, too many clients already",
          "too many connections",
          "timeout exceeded when trying to connect",
          "max clients reached",
          "emaxconnsession");

  private final long sloThresholdMs;
  private final long slowQueryMs;

  FlagRules(long sloThresholdMs, long slowQueryMs) {
    this.sloThresholdMs = sloThresholdMs;
    this.slowQueryMs = slowQueryMs;
  }

  List<Flag> flags(Timeline timeline, List<LogEvent> ordered) {
    Map<String, Flag> flags = new LinkedHashMap<>();
    if (timeline.durationMs() > sloThresholdMs) {
      add(
          flags,
          new Flag(
              FlagType.SLO_BREACH,
              timeline.entry().service(),
              (double) timeline.durationMs(),
              (double) sloThresholdMs,
              "request took " + timeline.durationMs() + " ms, SLO is " + sloThresholdMs + " ms"));
    }
    for (Segment s : timeline.segments()) {
      if (s.coldStart()) {
        Double init = initDuration(ordered, s.service());
        add(
            flags,
            new Flag(
                FlagType.COLD_START,
                s.service(),
                init,
                null,
                init == null ? "cold start" : "cold start, init took " + Math.round(init) + " ms"));
      }
      if (s.errorCount() > 0) {
        add(
            flags,
            new Flag(
                FlagType.ERROR,
                s.service(),
                (double) s.errorCount(),
                null,
                s.errorCount() + " error line(s) in " + s.service()));
      }
    }
    for (LogEvent e : ordered) {
      eventFlags(flags, e);
    }
    if (timeline.status() == TimelineStatus.TIMED_OUT
        || timeline.status() == TimelineStatus.TRUNCATED) {
      add(
          flags,
          new Flag(
              FlagType.INCOMPLETE,
              null,
              (double) timeline.eventCount(),
              null,
              "closed " + timeline.status().name().toLowerCase(Locale.ROOT)));
    }
    return new ArrayList<>(flags.values());
  }

  private void eventFlags(Map<String, Flag> flags, LogEvent e) {
    String text = searchable(e);
    String status = e.status() == null ? "" : e.status().toLowerCase(Locale.ROOT);
    if ("timeout".equals(status) || "504".equals(status) || containsAny(text, TIMEOUT_MARKERS)) {
      add(flags, new Flag(FlagType.TIMEOUT, e.service(), e.durationMs(), null, why("timeout", e)));
    }
    if ("429".equals(status) || containsAny(text, THROTTLE_MARKERS)) {
      add(flags, new Flag(FlagType.THROTTLED, e.service(), null, null, why("throttled", e)));
    }
    if (containsAny(text, POOL_MARKERS)) {
      add(
          flags,
          new Flag(FlagType.POOL_EXHAUSTION, e.service(), null, null, why("pool exhausted", e)));
    }
    if (e.kind() == EventKind.DB_SLOW_QUERY
        && e.durationMs() != null
        && e.durationMs() >= slowQueryMs) {
      add(
          flags,
          new Flag(
              FlagType.SLOW_QUERY,
              e.service(),
              e.durationMs(),
              (double) slowQueryMs,
              "statement took "
                  + Math.round(e.durationMs())
                  + " ms"
                  + (e.operation() == null ? "" : " (" + e.operation() + ")")));
    }
  }

  private static String searchable(LogEvent e) {
    String error = e.error() == null ? "" : e.error();
    return (error + "\n" + e.message()).toLowerCase(Locale.ROOT);
  }

  private static boolean containsAny(String text, List<String> markers) {
    for (String m : markers) {
      if (text.contains(m)) {
        return true;
      }
    }
    return false;
  }

  private static String why(String what, LogEvent e) {
    String detail;
    if (e.error() != null) {
      detail = e.error();
    } else if (e.kind() == EventKind.ACCESS_LOG && e.status() != null) {
      detail = "status " + e.status() + (e.operation() == null ? "" : " on " + e.operation());
    } else {
      detail = firstLine(e.message());
    }
    return what + " in " + e.service() + ": " + detail;
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }

  private static Double initDuration(List<LogEvent> ordered, String service) {
    for (LogEvent e : ordered) {
      String init = e.attributes().get(LogEvent.INIT_DURATION_MS);
      if (init != null && e.service().equals(service)) {
        try {
          return Double.valueOf(init);
        } catch (NumberFormatException ignored) {
          return null;
        }
      }
    }
    return null;
  }

  private static void add(Map<String, Flag> flags, Flag flag) {
    flags.putIfAbsent(flag.type() + "/" + flag.service(), flag);
  }
}
