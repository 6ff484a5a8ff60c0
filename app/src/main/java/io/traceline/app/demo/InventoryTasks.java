package io.traceline.app.demo;

import java.util.ArrayList;
import java.util.List;

/** The running tasks of the inventory-svc ECS service, each with a small connection pool. */
final class InventoryTasks {

  /** One database connection: client port and backend process id, as PostgreSQL logs them. */
  record Connection(int port, int pid) {}

  /**
   * One task: what FireLens adds to each record, and the awslogs-style stream it writes to.
   *
   * @param taskId the 32-hex task id, the tail of the task ARN
   */
  record Task(
      String taskId,
      String containerId,
      String containerName,
      String ip,
      List<Connection> connections) {

    Task {
      connections = List.copyOf(connections);
    }

    String taskArn() {
      return Shop.ECS_TASK_ARN_PREFIX + taskId;
    }

    String logStream() {
      return "inventory-svc/app/" + taskId;
    }
  }

  private static final List<String> IPS = List.of("10.0.12.17", "10.0.13.42", "10.0.14.9");

  private final List<Task> tasks;

  InventoryTasks(Dice dice, int count) {
    List<Task> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<Connection> pool = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        pool.add(new Connection((int) dice.between(32768, 60999), (int) dice.between(1000, 32000)));
      }
      created.add(
          new Task(
              dice.hex(32),
              dice.hex(64),
              "/ecs-inventory-svc-7-app-" + dice.hex(20),
              IPS.get(i % IPS.size()),
              pool));
    }
    this.tasks = List.copyOf(created);
  }

  List<Task> all() {
    return tasks;
  }

  Task pick(Dice dice) {
    return dice.pick(tasks);
  }
}
