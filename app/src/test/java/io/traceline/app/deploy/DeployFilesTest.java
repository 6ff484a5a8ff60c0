package io.traceline.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
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
  void everyYamlAndJsonFileParses() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(ROOT.resolve("deploy"))) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectMapper json = new ObjectMapper();
    int parsed = 0;
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        try (MappingIterator<JsonNode> docs =
            yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
          assertThat(docs.readAll()).as(file + " holds YAML documents").isNotEmpty();
        }
      } else if (name.endsWith(".json")) {
        assertThat(json.readTree(file.toFile())).as(file.toString()).isNotNull();
      } else if (name.endsWith(".ndjson")) {
        for (String line : Files.readAllLines(file)) {
          assertThat(json.readTree(line).isObject()).as(file + ": one object a line").isTrue();
        }
      } else {
        continue;
      }
      parsed++;
    }
    assertThat(parsed).as("the configuration, manifests, template and objects").isGreaterThan(8);
    assertThat(yaml.readTree(ROOT.resolve("docker-compose.yml").toFile()).path("services").size())
        .isPositive();
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
    List<String> topics = new java.util.ArrayList<>();
    for (java.lang.reflect.Field field : io.traceline.model.Topics.class.getFields()) {
      if (field.getType() == String.class
          && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
        topics.add((String) field.get(null));
      }
    }
    assertThat(topics).contains(io.traceline.model.Topics.EVENTS);
    for (String topic : topics) {
      assertThat(script).contains("create " + topic + " ");
    }
  }

  /** {@code bash -n}, or {@code sh -n} for a script written for sh. */
  private static int bashSyntaxCheck(Path script) throws Exception {
    String shell = Files.readString(script).startsWith("#!/bin/sh") ? "sh" : "bash";
    Process p =
        new ProcessBuilder(shell, "-n", script.toString()).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
