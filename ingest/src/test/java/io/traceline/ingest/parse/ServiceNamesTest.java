package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class ServiceNamesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /aws/lambda/orders-api                         | orders-api
          /ecs/orders-svc                                | orders-svc
          /aws/ecs/payments                              | payments
          /aws/apigateway/orders-api-prod-access         | orders-api-prod
          /aws/apigateway/orders-access-logs             | orders
          /aws/apigateway/orders-accesslogs              | orders
          /aws/apigateway/welcome                        | welcome
          API-Gateway-Execution-Logs_8zcb3dxf4l/DEV      | apigateway-8zcb3dxf4l
          /aws/rds/instance/orders-db-1/postgresql       | orders-db-1
          /aws/rds/cluster/my-cluster/slowquery          | my-cluster
          /platform/checkout/app/                        | app
          plain-group                                    | plain-group
          """)
  void fromLogGroup(String group, String service) {
    assertThat(ServiceNames.fromLogGroup(group)).isEqualTo(service);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          orders-svc:14                                                             | orders-svc
          arn:aws:ecs:us-east-1:123456789012:task-definition/orders-svc:14          | orders-svc
          httpbin-fargate                                                           | httpbin-fargate
          """)
  void taskDefinitionFamily(String taskDefinition, String family) {
    assertThat(ServiceNames.taskDefinitionFamily(taskDefinition)).isEqualTo(family);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /ecs-orders-svc-14-app-b2c4e6f8a0c2e4f6a800           | orders-svc
          /ecs-httpbin-fargate-10-httpbin-ecd2a483b192d6a94c00  | httpbin-fargate
          /ecs-demo-6-container2-a4eafbb3d4c7f1e16e00           | demo
          /my-container                                         | my-container
          """)
  void containerService(String containerName, String service) {
    assertThat(ServiceNames.containerService(containerName)).isEqualTo(service);
  }
}
