package io.traceline.app.demo;

/** Names of the simulated web shop's AWS resources: one account, one region, four log groups. */
final class Shop {

  static final String ACCOUNT = "123456789012";
  static final String REGION = "us-east-1";
  static final String SUBSCRIPTION_FILTER = "traceline";

  static final String API_ACCESS_LOG_GROUP = "/aws/apigateway/shop-api-prod-access";
  static final String API_STAGE = "prod";

  static final String FUNCTION_NAME = "checkout-api";
  static final String LAMBDA_LOG_GROUP = "/aws/lambda/" + FUNCTION_NAME;
  static final String FUNCTION_ARN =
      "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + FUNCTION_NAME;
  static final String POWERTOOLS_SERVICE = "checkout";
  static final int FUNCTION_MEMORY_MB = 512;
  static final String PYTHON_RUNTIME = "python:3.12.v101";
  static final String PYTHON_RUNTIME_ARN =
      "arn:aws:lambda:"
          + REGION
          + "::runtime:994aac32248ecf4d69d9f5e9a3a57aba3ccea19d94170a61d5ecf978927e1b0f";

  static final String INVENTORY_LOG_GROUP = "/ecs/inventory-svc";
  static final String INVENTORY_HOST = "inventory-svc.shop.local";
  static final String ECS_CLUSTER = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/shop-prod";
  static final String ECS_TASK_ARN_PREFIX =
      "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task/shop-prod/";
  static final String ECS_TASK_DEFINITION = "inventory-svc:7";

  static final String PAYMENTS_HOST = "payments.example.com";
  static final String PAYMENTS_ADDRESS = "203.0.113.10:443";
  static final long PAYMENTS_TIMEOUT_MS = 3000;

  static final String DB_LOG_GROUP = "/aws/rds/instance/shop-db/postgresql";
  static final String DB_LOG_STREAM = "shop-db.0";
  static final String DB_USER = "inventory_app";
  static final String DB_NAME = "shop";

  /** The instance's {@code log_min_duration_statement}: faster statements are not logged. */
  static final double LOG_MIN_DURATION_STATEMENT_MS = 100;

  private Shop() {}
}
