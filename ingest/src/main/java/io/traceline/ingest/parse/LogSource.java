package io.traceline.ingest.parse;

/**
 * Where a line comes from: its log group, classified once, and the service name the group implies.
 */
record LogSource(String logGroup, String logStream, Type type, String groupService) {

  /** The families of log groups whose lines have a known shape. */
  enum Type {
    LAMBDA,
    APIGATEWAY_ACCESS,
    APIGATEWAY_EXECUTION,
    RDS,
    ECS,
    OTHER
  }

  static final String LAMBDA_PREFIX = "/aws/lambda/";
  static final String APIGATEWAY_PREFIX = "/aws/apigateway/";
  static final String APIGATEWAY_EXECUTION_PREFIX = "API-Gateway-Execution-Logs_";
  static final String RDS_INSTANCE_PREFIX = "/aws/rds/instance/";
  static final String RDS_CLUSTER_PREFIX = "/aws/rds/cluster/";
  static final String ECS_PREFIX = "/ecs/";
  static final String AWS_ECS_PREFIX = "/aws/ecs/";

  static LogSource of(String logGroup, String logStream) {
    String group = logGroup == null ? "" : logGroup;
    String stream = logStream == null ? "" : logStream;
    Type type;
    if (group.startsWith(LAMBDA_PREFIX)) {
      type = Type.LAMBDA;
    } else if (group.startsWith(APIGATEWAY_PREFIX)) {
      type = Type.APIGATEWAY_ACCESS;
    } else if (group.startsWith(APIGATEWAY_EXECUTION_PREFIX)) {
      type = Type.APIGATEWAY_EXECUTION;
    } else if (group.startsWith(RDS_INSTANCE_PREFIX) || group.startsWith(RDS_CLUSTER_PREFIX)) {
      type = Type.RDS;
    } else if (group.startsWith(ECS_PREFIX) || group.startsWith(AWS_ECS_PREFIX)) {
      type = Type.ECS;
    } else {
      type = Type.OTHER;
    }
    return new LogSource(group, stream, type, ServiceNames.fromLogGroup(group));
  }

  boolean isLambda() {
    return type == Type.LAMBDA;
  }
}
