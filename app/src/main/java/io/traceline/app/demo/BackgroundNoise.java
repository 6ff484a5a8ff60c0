package io.traceline.app.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Lines that belong to no request, so the unkeyed path is exercised: PostgreSQL checkpoints and the
 * container health checks of each inventory-svc task. Scheduled on fixed ticks from the run's
 * start, with its own dice, so it does not depend on how the clock is stepped. Not thread-safe.
 */
final class BackgroundNoise {

  private static final int CHECKPOINTER_PID = 390;

  private final Dice dice;
  private final InventoryTasks tasks;
  private final long checkpointIntervalMs;
  private final long healthCheckIntervalMs;
  private long nextCheckpoint;
  private long nextHealthCheck;

  BackgroundNoise(
      Dice dice,
      InventoryTasks tasks,
      long startEpochMs,
      long checkpointIntervalMs,
      long healthCheckIntervalMs) {
    this.dice = dice;
    this.tasks = tasks;
    this.checkpointIntervalMs = checkpointIntervalMs;
    this.healthCheckIntervalMs = healthCheckIntervalMs;
    this.nextCheckpoint = startEpochMs + checkpointIntervalMs;
    this.nextHealthCheck = startEpochMs + healthCheckIntervalMs;
  }

  /** Emits every noise line whose tick is at or before {@code now}. */
  void emitUpTo(long now, Consumer<LogLine> out) {
    while (checkpointIntervalMs > 0 && nextCheckpoint <= now) {
      checkpoint(nextCheckpoint, out);
      nextCheckpoint += checkpointIntervalMs;
    }
    while (healthCheckIntervalMs > 0 && nextHealthCheck <= now) {
      for (InventoryTasks.Task task : tasks.all()) {
        healthCheck(task, nextHealthCheck + dice.between(0, 900), out);
      }
      nextHealthCheck += healthCheckIntervalMs;
    }
  }

  private void checkpoint(long at, Consumer<LogLine> out) {
    out.accept(
        LogLine.at(
            Shop.DB_LOG_GROUP,
            Shop.DB_LOG_STREAM,
            at,
            PostgresLines.background(at, CHECKPOINTER_PID, "checkpoint starting: time")));
    long buffers = dice.between(2, 400);
    double write = dice.between(100, 4000) / 1000.0;
    double sync = dice.between(1, 9) / 1000.0;
    double total = write + sync + dice.between(1, 20) / 1000.0;
    long doneAt = at + Math.round(total * 1000);
    String text =
        String.format(
            Locale.ROOT,
            "checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) added, 0 removed, 1"
                + " recycled; write=%.3f s, sync=%.3f s, total=%.3f s; sync files=%d,"
                + " longest=0.002 s, average=0.001 s; distance=%d kB, estimate=%d kB",
            buffers,
            buffers / 163.84,
            write,
            sync,
            total,
            dice.between(1, 30),
            buffers * 8,
            Math.max(buffers * 8, 1024));
    out.accept(
        LogLine.at(
            Shop.DB_LOG_GROUP,
            Shop.DB_LOG_STREAM,
            doneAt,
            PostgresLines.background(doneAt, CHECKPOINTER_PID, text)));
  }

  private void healthCheck(InventoryTasks.Task task, long at, Consumer<LogLine> out) {
    ObjectNode log = InventoryLines.app("info", at, "health check");
    log.put("method", "GET");
    log.put("route", "/healthz");
    log.put("status", 200);
    log.put("duration_ms", dice.between(0, 2));
    log.put("user_agent", "curl/8.5.0");
    out.accept(
        LogLine.at(
            Shop.INVENTORY_LOG_GROUP, task.logStream(), at, InventoryLines.record(task, log)));
  }
}
