package io.traceline.app.demo;

/**
 * RDS PostgreSQL log lines with the RDS {@code log_line_prefix} {@code %t:%r:%u@%d:[%p]:}. Note the
 * two spaces after {@code LOG:} and after {@code ms}.
 */
final class PostgresLines {

  private PostgresLines() {}

  /**
   * A statement slower than {@code log_min_duration_statement}, with the sqlcommenter comment the
   * driver appended, so the line joins the trace.
   *
   * @param finishedAt when the statement finished: the line's time
   */
  static String slowStatement(
      long finishedAt,
      String clientIp,
      InventoryTasks.Connection connection,
      double durationMs,
      String statement,
      String traceparent) {
    return TimeFormats.postgres(finishedAt)
        + ":"
        + clientIp
        + "("
        + connection.port()
        + "):"
        + Shop.DB_USER
        + "@"
        + Shop.DB_NAME
        + ":["
        + connection.pid()
        + "]:LOG:  duration: "
        + TimeFormats.threeDecimals(durationMs)
        + " ms  execute <unnamed>: "
        + statement
        + " /*traceparent='"
        + traceparent
        + "'*/";
  }

  /** A background-process line (checkpointer): empty host and user, no trace. */
  static String background(long epochMs, int pid, String text) {
    return TimeFormats.postgres(epochMs) + "::@:[" + pid + "]:LOG:  " + text;
  }
}
