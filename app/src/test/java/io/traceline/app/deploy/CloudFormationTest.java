package io.traceline.app.deploy;

import static io.traceline.app.deploy.Stages.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * deploy/aws/cloudformation.yaml, checked without AWS: a plain YAML parser reads it, every
 * reference resolves, and the IAM pieces name the stream they are for.
 */
@Timeout(60)
class CloudFormationTest {

  private static final Path TEMPLATE = ROOT.resolve("deploy/aws/cloudformation.yaml");
  private static final Set<String> PSEUDO =
      Set.of(
          "AWS::AccountId",
          "AWS::NotificationARNs",
          "AWS::NoValue",
          "AWS::Partition",
          "AWS::Region",
          "AWS::StackId",
          "AWS::StackName",
          "AWS::URLSuffix");

  /** The attributes Fn::GetAtt may read, of the resource types the template uses. */
  private static final Map<String, Set<String>> ATTRIBUTES =
      Map.of(
          "AWS::Kinesis::Stream", Set.of("Arn"),
          "AWS::IAM::Role", Set.of("Arn", "RoleId"),
          "AWS::IAM::ManagedPolicy", Set.of("PolicyArn"),
          "AWS::Logs::SubscriptionFilter", Set.of());

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

  private static JsonNode template;

  @BeforeAll
  static void read() throws IOException {
    template = Stages.YAML.readTree(TEMPLATE.toFile());
  }

  @Test
  void usesNoShortFormTags() throws IOException {
    for (String line : Files.readAllLines(TEMPLATE)) {
      String code = line.replaceFirst("\\s*#.*$", "");
      assertThat(code)
          .as("long-form intrinsics only, for plain YAML parsers")
          .doesNotContainPattern(":\\s*!\\w|^\\s*-\\s*!\\w");
    }
    assertThat(template.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
    assertThat(template.path("Resources").size()).isPositive();
  }

  @Test
  void everyReferenceResolves() {
    List<String> problems = new ArrayList<>();
    references(template.path("Resources"), "Resources", problems);
    references(template.path("Outputs"), "Outputs", problems);
    references(template.path("Conditions"), "Conditions", problems);
    for (Map.Entry<String, JsonNode> resource : template.path("Resources").properties()) {
      JsonNode condition = resource.getValue().path("Condition");
      if (!condition.isMissingNode() && !template.path("Conditions").has(condition.asText())) {
        problems.add(resource.getKey() + ": no condition " + condition.asText());
      }
      assertThat(ATTRIBUTES)
          .as(resource.getKey() + ": a resource type this test knows")
          .containsKey(resource.getValue().path("Type").asText());
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theSubscriptionRoleLetsCloudWatchLogsPutRecordsOnTheStream() {
    String stream = resourceOfType("AWS::Kinesis::Stream");
    JsonNode filter = resource(resourceOfType("AWS::Logs::SubscriptionFilter"));
    String role = getAtt(filter.path("Properties").path("RoleArn"), "Arn");
    assertThat(getAtt(filter.path("Properties").path("DestinationArn"), "Arn")).isEqualTo(stream);
    assertThat(filter.path("Properties").path("LogGroupName").path("Ref").asText())
        .as("the log group is a parameter")
        .isIn(names(template.path("Parameters")));

    JsonNode roleProperties = resource(role).path("Properties");
    JsonNode trust = roleProperties.path("AssumeRolePolicyDocument").path("Statement").get(0);
    assertThat(trust.path("Action").asText()).isEqualTo("sts:AssumeRole");
    assertThat(trust.path("Principal").path("Service").path("Fn::Sub").asText())
        .isEqualTo("logs.${AWS::Region}.amazonaws.com");
    assertThat(
            trust
                .path("Condition")
                .path("StringLike")
                .path("aws:SourceArn")
                .path("Fn::Sub")
                .asText())
        .as("only this account's log groups may use the role")
        .contains("${AWS::AccountId}");

    JsonNode statement =
        roleProperties.path("Policies").get(0).path("PolicyDocument").path("Statement").get(0);
    assertThat(actions(statement))
        .containsExactlyInAnyOrder("kinesis:PutRecord", "kinesis:PutRecords");
    assertThat(getAtt(statement.path("Resource"), "Arn"))
        .as("the policy names the stream")
        .isEqualTo(stream);
  }

  @Test
  void theIngestPolicyReadsTheStream() {
    String stream = resourceOfType("AWS::Kinesis::Stream");
    JsonNode statement =
        resource(resourceOfType("AWS::IAM::ManagedPolicy"))
            .path("Properties")
            .path("PolicyDocument")
            .path("Statement")
            .get(0);
    assertThat(actions(statement))
        .containsExactlyInAnyOrder(
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:ListShards",
            "kinesis:GetShardIterator",
            "kinesis:GetRecords");
    assertThat(getAtt(statement.path("Resource"), "Arn")).isEqualTo(stream);
  }

  @Test
  void theStreamIsSizedByParameters() {
    JsonNode properties = resource(resourceOfType("AWS::Kinesis::Stream")).path("Properties");
    for (String property : List.of("ShardCount", "RetentionPeriodHours")) {
      String parameter = properties.path(property).path("Ref").asText();
      assertThat(template.path("Parameters").path(parameter).path("Type").asText())
          .as(property + " from a Number parameter")
          .isEqualTo("Number");
    }
    String name = properties.path("Name").path("Ref").asText();
    assertThat(template.path("Parameters").path(name).path("Default").asText())
        .as("the stream the example configuration of ingest reads")
        .isEqualTo(exampleStream());
    assertThat(template.path("Outputs").size()).isPositive();
  }

  private static String exampleStream() {
    try {
      return Stages.YAML
          .readTree(ROOT.resolve("deploy/config/ingest.yaml").toFile())
          .path("kinesis")
          .path("stream")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every Ref, Fn::GetAtt, Fn::Sub variable and Fn::If condition under {@code node}. */
  private static void references(JsonNode node, String path, List<String> problems) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        JsonNode value = field.getValue();
        switch (field.getKey()) {
          case "Ref" -> {
            if (!PSEUDO.contains(value.asText()) && !declared(value.asText())) {
              problems.add(path + ": Ref " + value.asText());
            }
          }
          case "Fn::GetAtt" -> {
            String target = value.get(0).asText();
            String type = resource(target).path("Type").asText();
            if (!ATTRIBUTES.getOrDefault(type, Set.of()).contains(value.get(1).asText())) {
              problems.add(path + ": Fn::GetAtt " + value);
            }
          }
          case "Fn::Sub" -> {
            Matcher m =
                SUB_VARIABLE.matcher(value.isArray() ? value.get(0).asText() : value.asText());
            while (m.find()) {
              String variable = m.group(1);
              String base =
                  variable.contains(".") ? variable.substring(0, variable.indexOf('.')) : variable;
              if (!PSEUDO.contains(variable) && !declared(base)) {
                problems.add(path + ": Fn::Sub ${" + variable + "}");
              }
            }
          }
          case "Fn::If", "Condition" -> {
            String condition = value.isArray() ? value.get(0).asText() : value.asText();
            if (value.isArray() || path.startsWith("Conditions")) {
              if (!template.path("Conditions").has(condition)) {
                problems.add(path + ": condition " + condition);
              }
            }
          }
          default -> {}
        }
        references(value, path + "." + field.getKey(), problems);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        references(node.get(i), path + "[" + i + "]", problems);
      }
    }
  }

  private static boolean declared(String name) {
    return template.path("Parameters").has(name) || template.path("Resources").has(name);
  }

  private static JsonNode resource(String name) {
    JsonNode resource = template.path("Resources").path(name);
    assertThat(resource.isMissingNode()).as("resource " + name).isFalse();
    return resource;
  }

  private static String resourceOfType(String type) {
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, JsonNode> resource : template.path("Resources").properties()) {
      if (resource.getValue().path("Type").asText().equals(type)) {
        found.add(resource.getKey());
      }
    }
    assertThat(found).as(type).hasSize(1);
    return found.get(0);
  }

  /** The resource {@code node} (an Fn::GetAtt) reads {@code attribute} of. */
  private static String getAtt(JsonNode node, String attribute) {
    JsonNode getAtt = node.path("Fn::GetAtt");
    assertThat(getAtt.isArray()).as("an Fn::GetAtt: " + node).isTrue();
    assertThat(getAtt.get(1).asText()).isEqualTo(attribute);
    return getAtt.get(0).asText();
  }

  private static List<String> actions(JsonNode statement) {
    assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
    List<String> actions = new ArrayList<>();
    statement.path("Action").forEach(a -> actions.add(a.asText()));
    return actions;
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
