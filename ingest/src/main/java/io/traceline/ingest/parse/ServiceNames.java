package io.traceline.ingest.parse;

/** Service names from log groups and ECS metadata. Pure. */
final class ServiceNames {

  private static final String[] ACCESS_SUFFIXES = {"-access-logs", "-accesslogs", "-access"};

  private ServiceNames() {}

  /**
   * The service a log group implies: the Lambda function, the ECS service, the API Gateway API (a
   * trailing {@code -access}, {@code -access-logs}, {@code -accesslogs} removed), {@code
   * apigateway-<apiId>} for execution logs, the RDS instance or cluster, else the last non-empty
   * path segment; {@code null} for an empty group.
   */
  static String fromLogGroup(String group) {
    if (group == null || group.isEmpty()) {
      return null;
    }
    if (group.startsWith(LogSource.LAMBDA_PREFIX)) {
      return segment(group, LogSource.LAMBDA_PREFIX.length());
    }
    if (group.startsWith(LogSource.ECS_PREFIX)) {
      return segment(group, LogSource.ECS_PREFIX.length());
    }
    if (group.startsWith(LogSource.AWS_ECS_PREFIX)) {
      return segment(group, LogSource.AWS_ECS_PREFIX.length());
    }
    if (group.startsWith(LogSource.APIGATEWAY_PREFIX)) {
      String name = segment(group, LogSource.APIGATEWAY_PREFIX.length());
      if (name != null) {
        for (String suffix : ACCESS_SUFFIXES) {
          if (name.endsWith(suffix) && name.length() > suffix.length()) {
            return name.substring(0, name.length() - suffix.length());
          }
        }
      }
      return name;
    }
    if (group.startsWith(LogSource.APIGATEWAY_EXECUTION_PREFIX)) {
      String api = segment(group, LogSource.APIGATEWAY_EXECUTION_PREFIX.length());
      return api == null ? "apigateway" : "apigateway-" + api;
    }
    if (group.startsWith(LogSource.RDS_INSTANCE_PREFIX)) {
      return segment(group, LogSource.RDS_INSTANCE_PREFIX.length());
    }
    if (group.startsWith(LogSource.RDS_CLUSTER_PREFIX)) {
      return segment(group, LogSource.RDS_CLUSTER_PREFIX.length());
    }
    return lastSegment(group);
  }

  /** The family of an ECS task definition: {@code orders-svc:14} -> {@code orders-svc}. */
  static String taskDefinitionFamily(String taskDefinition) {
    if (taskDefinition == null || taskDefinition.isBlank()) {
      return null;
    }
    String value = taskDefinition.trim();
    int slash = value.lastIndexOf('/'); // a full ARN: ...:task-definition/orders-svc:14
    if (slash >= 0) {
      value = value.substring(slash + 1);
    }
    int colon = value.indexOf(':');
    String family = colon >= 0 ? value.substring(0, colon) : value;
    return family.isEmpty() ? null : family;
  }

  /**
   * The family in a Docker container name given by ECS, {@code /ecs-<family>-<rev>-<container>-
   * <hash>}; other names are returned without their leading slash.
   */
  static String containerService(String containerName) {
    if (containerName == null || containerName.isBlank()) {
      return null;
    }
    String name = containerName.trim();
    if (name.startsWith("/")) {
      name = name.substring(1);
    }
    if (name.startsWith("ecs-")) {
      String rest = name.substring(4);
      // the revision is the last all-digit dash-separated segment before container and hash
      int end = rest.length();
      int dash = rest.lastIndexOf('-', end - 1);
      while (dash > 0) {
        int previous = rest.lastIndexOf('-', dash - 1);
        if (previous > 0 && previous + 1 < dash && allDigits(rest, previous + 1, dash)) {
          return rest.substring(0, previous);
        }
        dash = previous;
      }
    }
    return name.isEmpty() ? null : name;
  }

  /** Whether {@code s[from, to)} holds only digits ({@link Character#isDigit(char)}). */
  private static boolean allDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static String segment(String group, int from) {
    int end = group.indexOf('/', from);
    String value = end < 0 ? group.substring(from) : group.substring(from, end);
    return value.isEmpty() ? lastSegment(group) : value;
  }

  private static String lastSegment(String group) {
    int end = group.length();
    while (end > 0 && group.charAt(end - 1) == '/') {
      end--;
    }
    if (end == 0) {
      return null;
    }
    int start = group.lastIndexOf('/', end - 1) + 1;
    return group.substring(start, end);
  }
}
