package io.traceline.ingest.parse;

import io.traceline.model.TraceIds;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap scans of free text: trace ids, levels and error hints. Each scan starts with {@code
 * indexOf} on a key token and does real work only around a hit. Pure and thread-safe.
 */
final class TextScan {

  /** {@code TraceID: x}, {@code trace_id=x}, {@code "traceId":"x"}, {@code xray_trace_id=x}... */
  private static final Pattern KEYED_TRACE =
      Pattern.compile(
          "(?i)(?:trace[._-]?id|traceparent|xray[._-]?trace[._-]?id)[\"']?\\s*[:=]\\s*[\"']?"
              + "([0-9a-z][0-9a-z-]{14,60})");

  /** An error hint: a needle found verbatim in the text, the short error type and a status. */
  record Hint(String needle, String error, String status) {}

  /** Most specific first: the first needle found wins. */
  private static final Hint[] HINTS = {
    new Hint("Task timed out after", "TaskTimedOut", "timeout"),
    new Hint("Runtime.OutOfMemory", "Runtime.OutOfMemory", "error"),
    new Hint("Runtime exited with error", "Runtime.ExitError", "error"),
    new Hint("Process exited before completing request", "Runtime.ExitError", "error"),
    new Hint("Connection is not available", "ConnectionNotAvailable", null),
    new Hint("timeout exceeded when trying to connect", "PoolTimeout", null),
    new Hint("remaining connection slots", "TooManyConnections", null),
    new Hint("too many clients", "TooManyConnections", null),
    new Hint("Too many connections", "TooManyConnections", null),
    new Hint("max clients reached", "TooManyConnections", null),
    new Hint("EMAXCONNSESSION", "TooManyConnections", null),
    new Hint("TooManyRequestsException", "TooManyRequestsException", null),
    new Hint("canceling statement due to statement timeout", "StatementTimeout", null),
    new Hint("Endpoint request timed out", "IntegrationTimeout", null),
    new Hint("ConnectTimeout", "ConnectTimeout", null),
    new Hint("connection timeout", "ConnectTimeout", null),
    new Hint("ReadTimeout", "ReadTimeout", null),
    new Hint("ETIMEDOUT", "ETIMEDOUT", null),
    new Hint("ECONNREFUSED", "ECONNREFUSED", null),
    new Hint("ECONNRESET", "ECONNRESET", null),
    new Hint("socket hang up", "ECONNRESET", null),
    new Hint("EAI_AGAIN", "EAI_AGAIN", null),
    new Hint("ENOTFOUND", "ENOTFOUND", null),
    new Hint("EHOSTUNREACH", "EHOSTUNREACH", null),
  };

  private static final String[] LEVELS = {
    "FATAL", "CRITICAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG"
  };
  private static final int LEVEL_SCAN_CHARS = 160;

  private TextScan() {}

  /**
   * The first trace id in {@code text}: a keyed value ({@code TraceID: ...}), an X-Ray header
   * ({@code Root=...}), a W3C traceparent, or a bare X-Ray id, in that order of preference.
   */
  static TraceIds.Parsed findTrace(String text) {
    if (text.indexOf("race") >= 0 || text.indexOf("RACE") >= 0) {
      Matcher m = KEYED_TRACE.matcher(text);
      while (m.find()) {
        if (TraceIds.parse(m.group(1)) instanceof TraceIds.Parsed parsed) {
          return parsed;
        }
      }
    }
    int root = text.indexOf("Root=");
    if (root >= 0) {
      TraceIds.Parsed parsed = xrayHeader(text, root);
      if (parsed != null) {
        return parsed;
      }
    }
    TraceIds.Parsed w3c = findTraceparent(text);
    if (w3c != null) {
      return w3c;
    }
    return findXrayId(text);
  }

  private static TraceIds.Parsed xrayHeader(String text, int root) {
    int start = root;
    while (start > 0 && !isHeaderStop(text.charAt(start - 1), true)) {
      start--;
    }
    int end = root;
    while (end < text.length() && !isHeaderStop(text.charAt(end), false)) {
      end++;
    }
    if (TraceIds.parse(text.substring(start, end)) instanceof TraceIds.Parsed parsed) {
      return parsed;
    }
    // the header as a whole did not parse: try the Root value alone
    int valueEnd = root + 5;
    while (valueEnd < end && text.charAt(valueEnd) != ';') {
      valueEnd++;
    }
    return TraceIds.parse(text.substring(root + 5, valueEnd)) instanceof TraceIds.Parsed parsed
        ? parsed
        : null;
  }

  private static boolean isHeaderStop(char c, boolean left) {
    return Character.isWhitespace(c)
        || c == '"'
        || c == '\''
        || c == ','
        || c == '}'
        || c == ')'
        || c == ']'
        || (left && (c == ':' || c == '{' || c == '(' || c == '['));
  }

  /** {@code vv-<32 hex>-<16 hex>-<2 hex>} anywhere, also inside URL-encoded sqlcommenter quotes. */
  static TraceIds.Parsed findTraceparent(String s) {
    int n = s.length();
    int i = s.indexOf('-', 2);
    while (i >= 0 && i + 53 <= n) {
      if (isHex(s, i - 2, i)
          && isHex(s, i + 1, i + 33)
          && s.charAt(i + 33) == '-'
          && isHex(s, i + 34, i + 50)
          && s.charAt(i + 50) == '-'
          && isHex(s, i + 51, i + 53)
          && (i + 53 == n || !isHexChar(s.charAt(i + 53)))
          && TraceIds.parse(s.substring(i - 2, i + 53)) instanceof TraceIds.Parsed parsed) {
        return parsed;
      }
      i = s.indexOf('-', i + 1);
    }
    return null;
  }

  /** A bare X-Ray trace id {@code 1-<8 hex>-<24 hex>} not glued to other letters or digits. */
  static TraceIds.Parsed findXrayId(String s) {
    int n = s.length();
    int j = s.indexOf("1-");
    while (j >= 0 && j + 35 <= n) {
      if ((j == 0 || !Character.isLetterOrDigit(s.charAt(j - 1)))
          && isHex(s, j + 2, j + 10)
          && s.charAt(j + 10) == '-'
          && isHex(s, j + 11, j + 35)
          && (j + 35 == n || !Character.isLetterOrDigit(s.charAt(j + 35)))
          && TraceIds.parse(s.substring(j, j + 35)) instanceof TraceIds.Parsed parsed) {
        return parsed;
      }
      j = s.indexOf("1-", j + 1);
    }
    return null;
  }

  /**
   * A level marker near the start of the text: logfmt {@code level=x}, or the earliest of {@code
   * FATAL, CRITICAL, ERROR, WARN(ING), INFO, DEBUG} as a whole word in the first 160 characters.
   */
  static String findLevel(String text) {
    int logfmt = text.indexOf("level=");
    if (logfmt >= 0 && (logfmt == 0 || !Character.isLetter(text.charAt(logfmt - 1)))) {
      int from = logfmt + 6;
      if (from < text.length() && text.charAt(from) == '"') {
        from++;
      }
      int to = from;
      while (to < text.length() && Character.isLetter(text.charAt(to))) {
        to++;
      }
      if (to > from) {
        return text.substring(from, to);
      }
    }
    String head = text.length() > LEVEL_SCAN_CHARS ? text.substring(0, LEVEL_SCAN_CHARS) : text;
    String best = null;
    int bestAt = Integer.MAX_VALUE;
    for (String level : LEVELS) {
      int at = head.indexOf(level);
      while (at >= 0 && at < bestAt) {
        int after = at + level.length();
        boolean wordStart = at == 0 || !Character.isLetter(head.charAt(at - 1));
        boolean wordEnd = after == head.length() || !Character.isLetter(head.charAt(after));
        if (wordStart && wordEnd) {
          best = level;
          bestAt = at;
          break;
        }
        at = head.indexOf(level, at + 1);
      }
    }
    return best;
  }

  /** The first error hint found in the text, or null. */
  static Hint findError(String text) {
    for (Hint hint : HINTS) {
      if (text.contains(hint.needle())) {
        return hint;
      }
    }
    return null;
  }

  /**
   * Applies an error hint found in {@code text} to {@code fields}; returns whether one was found.
   */
  static boolean applyErrorHint(String text, Fields fields) {
    Hint hint = findError(text);
    if (hint == null) {
      return false;
    }
    fields.error(hint.error());
    fields.status(hint.status());
    return true;
  }

  /** Trace, level and error hints of a free-text line. */
  static void scanPlain(String text, Fields fields) {
    if (fields.trace == null) {
      fields.trace(findTrace(text));
    }
    fields.level(findLevel(text));
    if (!fields.isRoutineLevel() && applyErrorHint(text, fields)) {
      fields.level("ERROR");
    }
  }

  static boolean isHex(String s, int from, int to) {
    if (from < 0 || to > s.length()) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!isHexChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean isHexChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
