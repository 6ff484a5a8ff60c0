package io.traceline.app.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The CloudWatch messages of inventory-svc through FireLens: each message is the whole Fluent Bit
 * record ({@code source}, {@code log}, container and ECS metadata), whose {@code log} is the
 * Node.js app's own JSON line.
 */
final class InventoryLines {

  private InventoryLines() {}

  /**
   * Starts an app line: {@code {"level":..,"ts":..,"msg":..}}; add fields with {@link
   * ObjectNode#put}.
   */
  static ObjectNode app(String level, long epochMs, String msg) {
    ObjectNode log = JsonNodeFactory.instance.objectNode();
    log.put("level", level);
    log.put("ts", TimeFormats.isoMillis(epochMs));
    log.put("msg", msg);
    return log;
  }

  /** Starts an app line of a traced request: the base fields plus trace_id and span_id. */
  static ObjectNode traced(String level, long epochMs, String msg, String traceId, String spanId) {
    ObjectNode log = app(level, epochMs, msg);
    log.put("trace_id", traceId);
    log.put("span_id", spanId);
    return log;
  }

  /** The Fluent Bit record around an app line: the CloudWatch message. */
  static String record(InventoryTasks.Task task, ObjectNode appLine) {
    String level = appLine.path("level").asText();
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("source", "error".equals(level) ? "stderr" : "stdout");
    record.put("log", appLine.toString());
    record.put("container_id", task.containerId());
    record.put("container_name", task.containerName());
    record.put("ecs_cluster", Shop.ECS_CLUSTER);
    record.put("ecs_task_arn", task.taskArn());
    record.put("ecs_task_definition", Shop.ECS_TASK_DEFINITION);
    return record.toString();
  }
}
