package io.traceline.ingest.parse;

import io.traceline.model.EventKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RDS / Aurora logs exported to CloudWatch: PostgreSQL lines with the RDS prefix {@code
 * %t:%r:%u@%d:[%p]:} (slow statements {@code LOG: duration: 3668.685 ms execute <unnamed>: SELECT
 * 1}, two spaces) and MySQL slow-query blocks ({@code # Query_time: 10.955901} seconds). A
 * sqlcommenter {@code traceparent} anywhere in the statement gives the trace. Pure.
 */
final class RdsParser {

  private RdsParser() {}

  /** Whether {@code line} starts like an RDS PostgreSQL line: {@code YYYY-MM-DD HH:MM:SS UTC:}. */
  static boolean looksLikePostgres(String line) {
    return line.length() > 24
        && line.charAt(4) == '-'
        && line.charAt(10) == ' '
        && line.charAt(13) == ':'
        && Character.isDigit(line.charAt(0))
        && line.indexOf(":[", 19) > 0;
  }

  /** Parses a PostgreSQL line; false when the prefix is not there. */
  static boolean parsePostgres(String line, Fields f) {
    int pidStart = line.indexOf(":[", 19);
    if (pidStart < 0) {
      return false;
    }
    int pidEnd = line.indexOf("]:", pidStart);
    if (pidEnd < 0) {
      return false;
    }
    int levelEnd = line.indexOf(':', pidEnd + 2);
    if (levelEnd < 0) {
      return false;
    }
    String userDb = line.substring(line.lastIndexOf(':', pidStart - 1) + 1, pidStart);
    int at = userDb.indexOf('@');
    if (at > 0) {
      f.attribute("user", userDb.substring(0, at));
    }
    if (at >= 0 && at + 1 < userDb.length()) {
      f.attribute("db", userDb.substring(at + 1));
    }
    f.attribute("pid", line.substring(pidStart + 2, pidEnd));
    String level = line.substring(pidEnd + 2, levelEnd);
    f.level(postgresLevel(level));
    String msg = line.substring(levelEnd + 1).stripLeading();
    if (msg.startsWith("duration: ")) {
      int ms = msg.indexOf(" ms", 10);
      if (ms > 0) {
        f.durationMs(Numbers.decimal(msg.substring(10, ms)));
        f.kind = EventKind.DB_SLOW_QUERY;
        String rest = msg.substring(ms + 3).stripLeading();
        int colon = rest.indexOf(": ");
        String statement = colon >= 0 ? rest.substring(colon + 2) : rest;
        f.operation(sqlOperation(statement));
      }
    }
    f.trace(TextScan.findTrace(line));
    if (!f.isRoutineLevel()) {
      TextScan.applyErrorHint(msg, f);
    }
    return true;
  }

  private static String postgresLevel(String level) {
    return switch (level) {
      case "LOG", "STATEMENT", "DETAIL", "HINT", "CONTEXT", "QUERY", "LOCATION", "NOTICE" -> "INFO";
      default -> level; // ERROR, FATAL, PANIC, WARNING (normalised by LogEvent)
    };
  }

  /** Whether {@code line} is a MySQL slow-query block. */
  static boolean looksLikeMysqlSlowQuery(String line) {
    return line.startsWith("# ") && line.contains("# Query_time: ");
  }

  /** Parses a MySQL slow-query block (one CloudWatch event holds the whole block). */
  static boolean parseMysqlSlowQuery(String block, Fields f) {
    f.kind = EventKind.DB_SLOW_QUERY;
    f.level("INFO");
    StringBuilder statement = new StringBuilder();
    int i = 0;
    int n = block.length();
    while (i < n) {
      int end = block.indexOf('\n', i);
      if (end < 0) {
        end = n;
      }
      String line = block.substring(i, end).strip();
      if (line.startsWith("# Query_time:")) {
        queryTime(line, f);
      } else if (line.startsWith("# User@Host:")) {
        String user = line.substring(12).strip();
        int bracket = user.indexOf('[');
        f.attribute("user", bracket > 0 ? user.substring(0, bracket) : user);
      } else if (!line.isEmpty()
          && !line.startsWith("#")
          && !line.regionMatches(true, 0, "SET timestamp=", 0, 14)
          && !line.regionMatches(true, 0, "use ", 0, 4)) {
        if (statement.length() > 0) {
          statement.append(' ');
        }
        statement.append(line);
      }
      i = end + 1;
    }
    f.operation(sqlOperation(statement.toString()));
    f.trace(TextScan.findTrace(block));
    return true;
  }

  private static void queryTime(String line, Fields f) {
    List<String> tokens = new ArrayList<>(8);
    int i = 1;
    while (i < line.length()) {
      while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        tokens.add(line.substring(start, i));
      }
    }
    for (int t = 0; t + 1 < tokens.size(); t++) {
      String value = tokens.get(t + 1);
      switch (tokens.get(t)) {
        case "Query_time:" -> f.durationMs(Numbers.secondsToMs(value));
        case "Lock_time:" -> {
          Double lock = Numbers.secondsToMs(value);
          if (lock != null) {
            f.attribute("lockTimeMs", String.valueOf(lock));
          }
        }
        case "Rows_sent:" -> f.attribute("rowsSent", value);
        case "Rows_examined:" -> f.attribute("rowsExamined", value);
        default -> {
          // other counters (Bytes_sent, Thread_id...) are not kept
        }
      }
    }
  }

  /**
   * The first keyword(s) of a statement: {@code SELECT}, {@code INSERT INTO orders}, {@code UPDATE
   * orders}, {@code DELETE FROM orders}, else the first keyword; leading comments skipped.
   */
  static String sqlOperation(String statement) {
    if (statement == null) {
      return null;
    }
    int i = skipSpaceAndComments(statement, 0);
    int end = wordEnd(statement, i);
    if (end == i) {
      return null;
    }
    String keyword = statement.substring(i, end).toUpperCase(Locale.ROOT);
    switch (keyword) {
      case "INSERT", "DELETE" -> {
        int next = skipSpaceAndComments(statement, end);
        int nextEnd = wordEnd(statement, next);
        String word = statement.substring(next, nextEnd).toUpperCase(Locale.ROOT);
        String expected = "INSERT".equals(keyword) ? "INTO" : "FROM";
        if (!expected.equals(word)) {
          return keyword;
        }
        String table = table(statement, skipSpaceAndComments(statement, nextEnd));
        return table == null ? keyword + " " + expected : keyword + " " + expected + " " + table;
      }
      case "UPDATE" -> {
        String table = table(statement, skipSpaceAndComments(statement, end));
        return table == null ? keyword : keyword + " " + table;
      }
      default -> {
        return keyword;
      }
    }
  }

  private static String table(String s, int from) {
    int i = from;
    StringBuilder out = new StringBuilder();
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$') {
        out.append(c);
      } else if (c != '"' && c != '`') {
        break;
      }
      i++;
    }
    return out.length() == 0 ? null : out.toString();
  }

  private static int skipSpaceAndComments(String s, int from) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (s.startsWith("/*", i)) {
        int close = s.indexOf("*/", i + 2);
        i = close < 0 ? s.length() : close + 2;
      } else if (s.startsWith("--", i)) {
        int eol = s.indexOf('\n', i);
        i = eol < 0 ? s.length() : eol + 1;
      } else {
        break;
      }
    }
    return i;
  }

  private static int wordEnd(String s, int from) {
    int i = from;
    while (i < s.length() && Character.isLetter(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
