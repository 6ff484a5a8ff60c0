package io.traceline.ingest.parse;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;

/**
 * Lambda's text-format lines: platform lines ({@code INIT_START}, {@code START}, {@code END},
 * {@code REPORT}, {@code INIT_REPORT}, {@code RequestId: ... Error: Runtime exited...}) and the
 * runtimes' application lines ({@code <ts>\t<requestId>\t<LEVEL>\t<msg>}, Python's {@code
 * [LEVEL]\t<ts>\t<requestId>\t<msg>}, the legacy space-separated timeout line). Pure.
 *
 * <p>START separates its fields with spaces; REPORT and INIT_REPORT with tabs, with a trailing tab
 * (except after {@code Status:}), stray spaces ({@code Billed Duration: 47 ms \t}) and, with X-Ray
 * active, a second line {@code XRAY TraceId: ...\tSegmentId: ...\tSampled: true} in the same event.
 */
final class LambdaTextParser {

  static final String OUT_OF_MEMORY = "outOfMemory";

  private static final String START = "START RequestId: ";
  private static final String END = "END RequestId: ";
  private static final String REPORT = "REPORT RequestId: ";
  private static final String INIT_START = "INIT_START";
  private static final String INIT_REPORT = "INIT_REPORT ";
  private static final String REQUEST_ID = "RequestId: ";

  private LambdaTextParser() {}

  /** Parses a platform line; false when {@code line} is not one. */
  static boolean parsePlatform(String line, Fields f) {
    switch (line.charAt(0)) {
      case 'S' -> {
        if (line.startsWith(START)) {
          f.kind = EventKind.LAMBDA_START;
          int from = START.length();
          int end = wordEnd(line, from);
          f.requestId(line.substring(from, end));
          int version = line.indexOf("Version: ", end);
          if (version >= 0) {
            f.attribute("version", line.substring(version + 9, wordEnd(line, version + 9)));
          }
          return true;
        }
        return false;
      }
      case 'E' -> {
        if (line.startsWith(END)) {
          f.kind = EventKind.LAMBDA_END;
          f.requestId(line.substring(END.length(), wordEnd(line, END.length())));
          return true;
        }
        return false;
      }
      case 'R' -> {
        if (line.startsWith(REPORT)) {
          f.kind = EventKind.LAMBDA_REPORT;
          keyValues(line, "REPORT ".length(), f);
          finishReport(f);
          return true;
        }
        if (line.startsWith(REQUEST_ID)) {
          return requestIdError(line, f);
        }
        return false;
      }
      case 'I' -> {
        if (line.startsWith(INIT_START)) {
          f.kind = EventKind.LAMBDA_INIT;
          f.attribute(LogEvent.COLD_START, "true");
          int version = line.indexOf("Runtime Version: ");
          if (version >= 0) {
            int from = version + 17;
            f.attribute("runtimeVersion", line.substring(from, fieldEnd(line, from)).trim());
          }
          return true;
        }
        if (line.startsWith(INIT_REPORT)) {
          f.kind = EventKind.LAMBDA_INIT;
          f.attribute(LogEvent.COLD_START, "true");
          keyValues(line, INIT_REPORT.length(), f);
          finishReport(f);
          return true;
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  /** {@code RequestId: <id> Error: Runtime exited with error: ...} and its relatives. */
  private static boolean requestIdError(String line, Fields f) {
    int from = REQUEST_ID.length();
    int end = wordEnd(line, from);
    if (end == from) {
      return false;
    }
    f.requestId(line.substring(from, end));
    f.level("ERROR");
    if (!TextScan.applyErrorHint(line, f)) {
      f.error("Runtime.Error");
    }
    f.trace(TextScan.findTrace(line));
    return true;
  }

  /** Reads {@code Key: value} fields separated by tabs and newlines, starting at {@code from}. */
  private static void keyValues(String line, int from, Fields f) {
    int i = from;
    int n = line.length();
    while (i < n) {
      int end = fieldEnd(line, i);
      int colon = line.indexOf(": ", i);
      if (colon > 0 && colon < end) {
        // the key trimmed as String.trim() would, without a substring per field
        int keyStart = i;
        int keyEnd = colon;
        while (keyStart < keyEnd && line.charAt(keyStart) <= ' ') {
          keyStart++;
        }
        while (keyEnd > keyStart && line.charAt(keyEnd - 1) <= ' ') {
          keyEnd--;
        }
        String key = reportKey(line, keyStart, keyEnd);
        if (key != null) {
          reportField(key, line.substring(colon + 2, end).trim(), f);
        }
      }
      i = end + 1;
    }
  }

  /** The report keys that {@link #reportField} reads: a key added there must be added here. */
  private static final String[] REPORT_KEYS = {
    "RequestId",
    "Duration",
    "Billed Duration",
    "Memory Size",
    "Max Memory Used",
    "Init Duration",
    "Restore Duration",
    "Billed Restore Duration",
    "Status",
    "Error Type",
    "Phase",
    "XRAY TraceId",
    "SegmentId",
    "Sampled"
  };

  /** The constant of {@link #REPORT_KEYS} equal to {@code line[from, to)}, or null. */
  private static String reportKey(String line, int from, int to) {
    int length = to - from;
    for (String key : REPORT_KEYS) {
      if (key.length() == length && line.startsWith(key, from)) {
        return key;
      }
    }
    return null;
  }

  private static void reportField(String key, String value, Fields f) {
    switch (key) {
      case "RequestId" -> f.requestId(value);
      case "Duration" -> f.durationMs(Numbers.decimal(unit(value)));
      case "Billed Duration" -> f.attribute("billedDurationMs", unit(value));
      case "Memory Size" -> f.attribute("memorySizeMb", unit(value));
      case "Max Memory Used" -> f.attribute("maxMemoryUsedMb", unit(value));
      case "Init Duration" -> {
        f.attribute(LogEvent.INIT_DURATION_MS, unit(value));
        f.attribute(LogEvent.COLD_START, "true");
        if (f.kind == EventKind.LAMBDA_INIT) {
          f.durationMs(Numbers.decimal(unit(value)));
        }
      }
      case "Restore Duration" -> {
        f.attribute("restoreDurationMs", unit(value));
        f.attribute(LogEvent.COLD_START, "true");
      }
      case "Billed Restore Duration" -> f.attribute("billedRestoreDurationMs", unit(value));
      case "Status" -> f.status(value);
      case "Error Type" -> f.error(value);
      case "Phase" -> f.attribute("phase", value);
      case "XRAY TraceId" -> f.traceFrom(value);
      case "SegmentId" -> f.spanId(value);
      case "Sampled" -> f.attribute("sampled", value);
      default -> {
        // fields added by future runtimes are ignored
      }
    }
  }

  /** Level, OOM heuristic: Lambda clamps Max Memory Used at Memory Size. */
  static void finishReport(Fields f) {
    if (f.status != null && !"success".equals(f.status)) {
      f.level("ERROR");
    }
    String size = f.attribute("memorySizeMb");
    if ("Runtime.OutOfMemory".equals(f.error)
        || (size != null && size.equals(f.attribute("maxMemoryUsedMb")))) {
      f.attribute(OUT_OF_MEMORY, "true");
    }
  }

  /** {@code 1984.93 ms} -> {@code 1984.93}; {@code 512 MB} -> {@code 512}. */
  private static String unit(String value) {
    int space = value.indexOf(' ');
    return space < 0 ? value : value.substring(0, space);
  }

  /**
   * Application lines written through the runtime: {@code <ISO ts>\t<requestId>\t<LEVEL>\t<msg>},
   * {@code [LEVEL]\t<ts>\t<requestId>\t<msg>}, or legacy {@code <ts> <requestId> <msg>}; false when
   * {@code line} has neither shape.
   */
  static boolean parseAppLine(String line, Fields f) {
    int n = line.length();
    int msgStart;
    if (line.charAt(0) == '[') {
      int close = line.indexOf("]\t");
      if (close < 2 || close > 10) {
        return false;
      }
      int tsEnd = line.indexOf('\t', close + 2);
      if (tsEnd < 0 || !isIsoTimestamp(line, close + 2)) {
        return false;
      }
      int idEnd = fieldEnd(line, tsEnd + 1);
      if (!isRequestId(line, tsEnd + 1, idEnd)) {
        return false;
      }
      f.level(line.substring(1, close));
      f.requestId(line.substring(tsEnd + 1, idEnd));
      msgStart = Math.min(idEnd + 1, n);
    } else {
      if (!isIsoTimestamp(line, 0)) {
        return false;
      }
      int tsEnd = 0;
      while (tsEnd < n && line.charAt(tsEnd) != '\t' && line.charAt(tsEnd) != ' ') {
        tsEnd++;
      }
      if (tsEnd >= n) {
        return false;
      }
      char separator = line.charAt(tsEnd);
      int idEnd = line.indexOf(separator, tsEnd + 1);
      if (idEnd < 0) {
        idEnd = n;
      }
      if (!isRequestId(line, tsEnd + 1, idEnd)) {
        return false;
      }
      f.requestId(line.substring(tsEnd + 1, idEnd));
      msgStart = Math.min(idEnd + 1, n);
      if (separator == '\t' && msgStart < n) {
        int levelEnd = line.indexOf('\t', msgStart);
        if (levelEnd > msgStart && isLevelWord(line, msgStart, levelEnd)) {
          f.level(line.substring(msgStart, levelEnd));
          msgStart = levelEnd + 1;
        }
      }
    }
    String msg = line.substring(msgStart);
    int timedOut = msg.indexOf("Task timed out after ");
    if (timedOut >= 0) {
      int from = timedOut + 21;
      Double seconds = Numbers.decimal(msg.substring(from, wordEnd(msg, from)));
      if (seconds != null) {
        f.durationMs(seconds * 1000);
      }
    }
    int json = msg.indexOf('{');
    if (json >= 0 && msg.endsWith("}")) {
      JsonLineParser.extractEmbedded(msg.substring(json), f);
    }
    TextScan.scanPlain(msg, f);
    return true;
  }

  private static boolean isLevelWord(String s, int from, int to) {
    return switch (s.substring(from, to)) {
      case "INFO", "WARN", "ERROR", "DEBUG", "TRACE", "FATAL", "WARNING", "CRITICAL" -> true;
      default -> false;
    };
  }

  /** {@code YYYY-MM-DDTHH:MM:SS} at {@code at}. */
  static boolean isIsoTimestamp(String s, int at) {
    return s.length() >= at + 19
        && Character.isDigit(s.charAt(at))
        && Character.isDigit(s.charAt(at + 3))
        && s.charAt(at + 4) == '-'
        && s.charAt(at + 7) == '-'
        && s.charAt(at + 10) == 'T'
        && s.charAt(at + 13) == ':';
  }

  /** A Lambda request id: a UUID (36 characters, dashes at 8, 13, 18, 23). */
  static boolean isRequestId(String s, int from, int to) {
    if (to - from != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(from + i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !TextScan.isHexChar(c)) {
        return false;
      }
    }
    return true;
  }

  private static int wordEnd(String s, int from) {
    int i = from;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int fieldEnd(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) != '\t' && s.charAt(i) != '\n') {
      i++;
    }
    return i;
  }
}
