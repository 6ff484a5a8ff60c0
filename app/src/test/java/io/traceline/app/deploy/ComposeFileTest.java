package io.traceline.app.deploy;

import static io.traceline.app.deploy.Stages.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.app.cli.DurationConverter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The root docker-compose.yml, checked without a Docker engine: pinned images, dependencies that
 * exist and can be waited for, and the four stages' environment read by the stages' own
 * configuration loader (every variable a real key, health checks on the admin port it sets, hosts
 * that are services of the file).
 */
@Timeout(60)
class ComposeFileTest {

  private static final Pattern PINNED = Pattern.compile("[^:@]+:[^:]*\\d[^:]*");
  private static final Pattern HEALTH_URL = Pattern.compile("http://localhost:(\\d+)(/[^\\s\"']*)");
  private static final Set<String> CONDITIONS =
      Set.of("service_started", "service_healthy", "service_completed_successfully");

  private static JsonNode services;
  private static JsonNode compose;

  @BeforeAll
  static void read() throws IOException {
    compose = Stages.YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    services = compose.path("services");
    assertThat(services.size()).as("services").isPositive();
  }

  @Test
  void kafkaRunsInKraftModeWithoutTopicAutoCreation() {
    Map<String, String> env = environment(services.path("kafka"));
    assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"))
        .as("the topics come from create-topics.sh, with their partitions and retention")
        .isEqualTo("false");
  }

  @Test
  void everyImageIsPinnedAndBuiltImagesPinTheirBases() throws IOException {
    for (Map.Entry<String, JsonNode> service : services.properties()) {
      JsonNode build = service.getValue().path("build");
      if (build.isMissingNode()) {
        assertThat(service.getValue().path("image").asText())
            .as(service.getKey() + ": image with a version tag")
            .matches(PINNED)
            .doesNotEndWith(":latest");
        continue;
      }
      Path context =
          ROOT.resolve(build.isTextual() ? build.asText() : build.path("context").asText());
      Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
      assertThat(dockerfile).as(service.getKey() + ": its Dockerfile").isRegularFile();
      for (String base : Dockerfiles.baseImages(dockerfile)) {
        assertThat(base).as(service.getKey() + ": FROM in " + dockerfile).matches(PINNED);
      }
    }
  }

  @Test
  void serverVersionsAreTheOnesTheTestsRun() throws IOException {
    String kafka = pomProperty(ROOT.resolve("pom.xml"), "kafka.version");
    String opensearch = pomProperty(ROOT.resolve("embedded/pom.xml"), "opensearch.version");
    assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + kafka);
    assertThat(services.path("opensearch").path("image").asText())
        .isEqualTo("opensearchproject/opensearch:" + opensearch);
    assertThat(services.path("dashboards").path("image").asText())
        .as("Dashboards at the version of its server")
        .isEqualTo("opensearchproject/opensearch-dashboards:" + opensearch);
  }

  @Test
  void dependenciesExistAndCanBeWaitedFor() {
    for (Map.Entry<String, JsonNode> service : services.properties()) {
      for (Map.Entry<String, JsonNode> dependency :
          service.getValue().path("depends_on").properties()) {
        String where = service.getKey() + " depends on " + dependency.getKey();
        JsonNode target = services.path(dependency.getKey());
        assertThat(target.isMissingNode()).as(where + ": a service of the file").isFalse();
        String condition = dependency.getValue().path("condition").asText();
        assertThat(condition).as(where).isIn(CONDITIONS);
        if (condition.equals("service_healthy")) {
          assertThat(target.has("healthcheck")).as(where + ": it has a health check").isTrue();
        }
        if (condition.equals("service_completed_successfully")) {
          assertThat(target.path("restart").asText())
              .as(where + ": a one-shot, not restarted")
              .isEqualTo("no");
        }
      }
    }
  }

  @Test
  void mountedFilesExistAndOneShotsRunThem() {
    for (Map.Entry<String, JsonNode> service : services.properties()) {
      Map<String, String> mounts = new LinkedHashMap<>();
      for (JsonNode volume : service.getValue().path("volumes")) {
        String[] parts = volume.asText().split(":", -1);
        if (parts[0].startsWith(".")) {
          assertThat(ROOT.resolve(parts[0]).normalize())
              .as(service.getKey() + " mounts " + parts[0])
              .exists();
          mounts.put(parts[1], parts[0]);
        } else {
          assertThat(compose.path("volumes").has(parts[0]))
              .as(service.getKey() + ": named volume " + parts[0] + " is declared")
              .isTrue();
        }
      }
      if (service.getValue().path("restart").asText().equals("no")) {
        List<String> entrypoint = strings(service.getValue().path("entrypoint"));
        assertThat(entrypoint).as(service.getKey() + ": a script to run").hasSize(2);
        assertThat(mounts)
            .as(service.getKey() + " runs a mounted script")
            .containsKey(entrypoint.get(1));
      }
    }
  }

  @Test
  void everyStageVariableSetsAConfigurationKey() {
    for (Map.Entry<String, JsonNode> stage : stages().entrySet()) {
      Map<String, String> env = environment(stage.getValue());
      Stages.Loaded loaded = Stages.load(stageOf(stage.getValue()), env, null);
      Stages.assertEveryVariableSetsAKey("compose " + stage.getKey(), env, loaded);
    }
  }

  @Test
  void stagesAreHealthCheckedOnTheirAdminPortAndStopGracefully() {
    for (Map.Entry<String, JsonNode> stage : stages().entrySet()) {
      String name = stage.getKey();
      JsonNode service = stage.getValue();
      Stages.Loaded loaded = Stages.load(stageOf(service), environment(service), null);

      Matcher url =
          HEALTH_URL.matcher(String.join(" ", strings(service.path("healthcheck").path("test"))));
      assertThat(url.find()).as(name + ": health check on a local URL").isTrue();
      assertThat(Integer.parseInt(url.group(1)))
          .as(name + ": health check port = runtime.adminPort")
          .isEqualTo(loaded.adminPort());
      assertThat(url.group(2)).as(name).isEqualTo("/health/ready");
      assertThat(publishedPorts(service))
          .as(name + ": admin port published")
          .contains(loaded.adminPort());

      Duration grace = DurationConverter.parse(service.path("stop_grace_period").asText("10s"));
      assertThat(grace)
          .as(name + ": stop_grace_period (SIGKILL after it) longer than runtime.shutdownTimeout")
          .isGreaterThan(loaded.shutdownTimeout());
      assertThat(service.path("build").isMissingNode())
          .as(name + " is built from the Dockerfile")
          .isFalse();
    }
  }

  @Test
  void stagesReachServicesOfTheFile() {
    Set<String> kafkaAddresses = kafkaAdvertisedAddresses();
    for (Map.Entry<String, JsonNode> stage : stages().entrySet()) {
      String name = stage.getKey();
      Stages.Loaded loaded =
          Stages.load(stageOf(stage.getValue()), environment(stage.getValue()), null);
      if (loaded.has("kafka.bootstrapServers")) {
        for (String server : loaded.value("kafka.bootstrapServers").asText().split(",", -1)) {
          assertThat(kafkaAddresses)
              .as(name + ": a listener Kafka advertises")
              .contains(server.trim());
        }
      }
      if (loaded.has("opensearch.endpoints")) {
        for (JsonNode endpoint : loaded.value("opensearch.endpoints")) {
          URI uri = URI.create(endpoint.asText());
          assertThat(services.path(uri.getHost()).path("image").asText())
              .as(name + ": " + uri + " is the OpenSearch service")
              .startsWith("opensearchproject/opensearch:");
          assertThat(uri.getPort()).isEqualTo(9200);
        }
      }
    }
    assertThat(kafkaAddresses)
        .as("the topic creation uses the same listener")
        .contains(environment(services.path("kafka-topics")).get("BOOTSTRAP"));
  }

  @Test
  void ingestReadsTheStreamTheOneShotCreatesOnKinesalite() {
    JsonNode ingest = stages().get("ingest");
    assertThat(ingest).as("an ingest stage").isNotNull();
    Map<String, String> env = environment(ingest);
    Stages.Loaded loaded = Stages.load("ingest", env, null);
    Map<String, String> creation = environment(services.path("kinesis-stream"));

    assertThat(loaded.value("kinesis.stream").asText()).isEqualTo(creation.get("STREAM"));
    URI endpoint = URI.create(loaded.value("aws.endpoint").asText());
    assertThat(endpoint.toString()).isEqualTo(creation.get("AWS_ENDPOINT_URL"));
    assertThat(services.path(endpoint.getHost()).path("build").path("dockerfile").asText())
        .as("the endpoint is the kinesalite service")
        .contains("kinesalite");
    assertThat(env.get("JAVA_OPTS"))
        .as("kinesalite speaks JSON only: the AWS SDK must not use CBOR")
        .contains("-Daws.cborEnabled=false");
    assertThat(env).containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void theCorrelatorKeepsItsStateOnANamedVolume() {
    JsonNode correlate = stages().get("correlate");
    assertThat(correlate).as("a correlate stage").isNotNull();
    Stages.Loaded loaded = Stages.load("correlate", environment(correlate), null);
    String stateDir = loaded.value("kafka.stateDir").asText();
    assertThat(stateDir).as("an absolute state dir").startsWith("/");
    List<String> namedMounts = new ArrayList<>();
    for (JsonNode volume : correlate.path("volumes")) {
      String[] parts = volume.asText().split(":", -1);
      if (compose.path("volumes").has(parts[0])) {
        namedMounts.add(parts[1]);
      }
    }
    assertThat(namedMounts).as("a named volume at kafka.stateDir").contains(stateDir);
  }

  @Test
  void serveIsPublishedOnItsHttpPort() {
    JsonNode serve = stages().get("serve");
    assertThat(serve).as("a serve stage").isNotNull();
    Stages.Loaded loaded = Stages.load("serve", environment(serve), null);
    assertThat(publishedPorts(serve)).contains(loaded.value("http.port").asInt());
  }

  /** The services that run a Traceline stage, by service name. */
  private static Map<String, JsonNode> stages() {
    Map<String, JsonNode> stages = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> service : services.properties()) {
      if (Stages.CONFIGS.containsKey(stageOf(service.getValue()))) {
        stages.put(service.getKey(), service.getValue());
      }
    }
    assertThat(stages.values().stream().map(ComposeFileTest::stageOf).toList())
        .as("every service stage runs")
        .containsExactlyInAnyOrderElementsOf(Stages.CONFIGS.keySet());
    return stages;
  }

  private static String stageOf(JsonNode service) {
    List<String> command = strings(service.path("command"));
    return command.isEmpty() ? "" : command.get(0);
  }

  private Set<String> kafkaAdvertisedAddresses() {
    Set<String> addresses = new TreeSet<>();
    String advertised = environment(services.path("kafka")).get("KAFKA_ADVERTISED_LISTENERS");
    for (String listener : advertised.split(",", -1)) {
      String address = listener.substring(listener.indexOf("://") + 3);
      if (services.has(address.substring(0, address.indexOf(':')))) {
        addresses.add(address);
      }
    }
    assertThat(addresses).as("Kafka advertises a listener for the containers").isNotEmpty();
    return addresses;
  }

  private static Set<Integer> publishedPorts(JsonNode service) {
    Set<Integer> ports = new TreeSet<>();
    for (JsonNode port : service.path("ports")) {
      String text = port.asText();
      ports.add(Integer.parseInt(text.substring(text.lastIndexOf(':') + 1)));
    }
    return ports;
  }

  /** A service's environment, written as a map or as a list of KEY=VALUE. */
  static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode environment = service.path("environment");
    if (environment.isArray()) {
      for (JsonNode entry : environment) {
        String text = entry.asText();
        int eq = text.indexOf('=');
        env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
      }
    } else {
      for (Map.Entry<String, JsonNode> entry : environment.properties()) {
        env.put(entry.getKey(), entry.getValue().asText());
      }
    }
    return env;
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isTextual()) {
      values.addAll(List.of(node.asText().trim().split("\\s+", -1)));
    } else {
      node.forEach(v -> values.add(v.asText()));
    }
    return values;
  }

  private static String pomProperty(Path pom, String name) throws IOException {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(pom));
    assertThat(m.find()).as(name + " in " + pom).isTrue();
    return m.group(1).trim();
  }
}
