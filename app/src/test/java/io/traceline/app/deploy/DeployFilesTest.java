package io.traceline.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What can be checked of the deployment files without a Docker engine or a cluster: they parse, and
 * they name what the pipeline needs.
 */
@Timeout(60)
class DeployFilesTest {

  /** The repository root: the app module runs its tests with app/ as working directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void composeFileDefinesKafkaInKraftModeAndOpenSearch() throws Exception {
    JsonNode compose =
        new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
    JsonNode services = compose.get("services");
    assertThat(services).isNotNull();
    assertThat(services.get("kafka").get("environment").get("KAFKA_PROCESS_ROLES").asText())
        .isEqualTo("broker,controller");
    assertThat(
            services
                .get("kafka")
                .get("environment")
                .get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")
                .asText())
        .isEqualTo("false");
    assertThat(services.get("opensearch").get("image").asText())
        .startsWith("opensearchproject/opensearch:2.19");
    for (JsonNode service : services) {
      assertThat(service.get("image").asText())
          .as("every service pins an image tag")
          .matches(".+:[0-9][^:]*");
    }
  }

  @Test
  void shellScriptsParse() throws Exception {
    List<Path> scripts;
    try (Stream<Path> files = Files.walk(ROOT.resolve("deploy"))) {
      scripts = files.filter(p -> p.toString().endsWith(".sh")).toList();
    }
    assertThat(scripts).isNotEmpty();
    for (Path script : List.of(ROOT.resolve("traceline"), ROOT.resolve(".ci/run"))) {
      assertThat(bashSyntaxCheck(script)).as(script.toString()).isZero();
    }
    for (Path script : scripts) {
      assertThat(bashSyntaxCheck(script)).as(script.toString()).isZero();
      assertThat(Files.isExecutable(script)).as(script + " is executable").isTrue();
    }
  }

  @Test
  void topicScriptCreatesEveryPipelineTopic() throws Exception {
    String script = Files.readString(ROOT.resolve("deploy/kafka/create-topics.sh"));
    for (String topic :
        List.of(
            io.traceline.model.Topics.EVENTS,
            io.traceline.model.Topics.UNKEYED,
            io.traceline.model.Topics.REQUEST_LINKS,
            io.traceline.model.Topics.DLQ,
            io.traceline.model.Topics.TIMELINES,
            io.traceline.model.Topics.ALERTS,
            io.traceline.model.Topics.SERVICE_EDGES)) {
      assertThat(script).contains("create " + topic + " ");
    }
  }

  private static int bashSyntaxCheck(Path script) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
