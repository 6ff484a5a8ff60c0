package io.traceline.app.demo;

/**
 * One line a service wrote to CloudWatch Logs.
 *
 * @param logGroup the log group
 * @param logStream the log stream
 * @param timestamp the CloudWatch event timestamp (epoch ms)
 * @param writtenAt when the line was written, from which its delivery starts; later than {@code
 *     timestamp} for API Gateway access logs, whose timestamp is the request arrival
 * @param message the raw message, including any trailing newline
 */
record LogLine(String logGroup, String logStream, long timestamp, long writtenAt, String message) {

  LogLine {
    if (writtenAt < timestamp) {
      throw new IllegalArgumentException("a line cannot be written before its timestamp");
    }
  }

  static LogLine at(String logGroup, String logStream, long timestamp, String message) {
    return new LogLine(logGroup, logStream, timestamp, timestamp, message);
  }
}
