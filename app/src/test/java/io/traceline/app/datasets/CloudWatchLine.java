package io.traceline.app.datasets;

import java.util.Objects;

/**
 * One log event of a converted dataset, where CloudWatch would hold it.
 *
 * @param logGroup the log group
 * @param logStream the log stream
 * @param id the event id (the dedupe key: unique across everything one test replays, see {@link
 *     EventIds})
 * @param timestamp CloudWatch's timestamp of the event, epoch ms
 * @param message the line as the application wrote it
 */
record CloudWatchLine(
    String logGroup, String logStream, String id, long timestamp, String message) {

  CloudWatchLine {
    Objects.requireNonNull(logGroup, "logGroup");
    Objects.requireNonNull(logStream, "logStream");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(message, "message");
  }
}
