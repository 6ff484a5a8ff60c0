package io.traceline.app.deploy;

import static io.traceline.app.deploy.Stages.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.app.deploy.Dockerfiles.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The root Dockerfile, checked without building it: it builds the distribution app/pom.xml
 * produces, runs it through the entrypoint script as a fixed non-root user, and exposes the ports
 * the stages listen on by default. {@code EntrypointIT} runs the script itself.
 */
@Timeout(60)
class DockerfileTest {

  private static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

  /** The minimum each stage needs to load its defaults. */
  private static final Map<String, String> REQUIRED =
      Map.of(
          "TRACELINE_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
          "TRACELINE_KINESIS_STREAM", "logs",
          "TRACELINE_OPENSEARCH_ENDPOINTS", "http://opensearch:9200");

  @Test
  void baseImagesArePinned() throws IOException {
    List<String> bases = Dockerfiles.baseImages(DOCKERFILE);
    assertThat(bases).as("a build stage and a runtime stage").hasSize(2);
    for (String base : bases) {
      assertThat(base).matches("[^:]+:[^:]*\\d[^:]*").doesNotEndWith(":latest");
    }
    assertThat(bases.get(0)).as("Maven on JDK 17").contains("maven").contains("17");
    assertThat(bases.get(1)).as("a JRE 17").contains("jre").contains(":17");
  }

  @Test
  void buildsAndCopiesTheDistributionOfTheAppModule() throws IOException {
    String pom = Files.readString(ROOT.resolve("app/pom.xml"));
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertThat(finalName.find()).as("app/pom.xml names its jar").isTrue();
    assertThat(pom)
        .as("the dependencies beside the jar")
        .contains("${project.build.directory}/lib");

    List<Instruction> all = Dockerfiles.read(DOCKERFILE);
    assertThat(all)
        .filteredOn(i -> i.keyword().equals("RUN"))
        .as("the build runs the README's package command")
        .anyMatch(i -> i.arguments().contains("mvn -B -DskipTests package -pl app -am"));

    List<String> copied = new ArrayList<>();
    for (Instruction i : Dockerfiles.finalStage(DOCKERFILE)) {
      if (i.keyword().equals("COPY") && i.arguments().startsWith("--from=")) {
        copied.add(i.words().get(0));
      }
    }
    String jar = "app/target/" + finalName.group(1) + ".jar";
    assertThat(copied).anyMatch(source -> source.endsWith(jar));
    assertThat(copied).anyMatch(source -> source.matches(".*app/target/lib/?"));
  }

  @Test
  void theEntrypointScriptRunsTheCopiedJarAsANonRootUser() throws IOException {
    List<Instruction> image = Dockerfiles.finalStage(DOCKERFILE);
    String entrypoint = single(image, "ENTRYPOINT").arguments();
    Matcher exec = Pattern.compile("^\\[\"([^\"]+)\"\\]$").matcher(entrypoint);
    assertThat(exec.matches()).as("exec form, so the JVM gets the signals: " + entrypoint).isTrue();

    String copiedScript = null;
    String jarDir = null;
    for (Instruction i : image) {
      List<String> words = i.words();
      if (i.keyword().equals("COPY") && words.get(words.size() - 1).equals(exec.group(1))) {
        copiedScript = words.get(0);
      }
      if (i.keyword().equals("COPY") && words.get(0).endsWith(".jar")) {
        jarDir = Path.of(words.get(1)).getParent().toString();
      }
    }
    assertThat(copiedScript).as("the entrypoint is copied from the repository").isNotNull();
    Path script = ROOT.resolve(copiedScript);
    assertThat(Files.isExecutable(script)).as(script + " is executable").isTrue();
    assertThat(single(image, "ENV").arguments()).contains("TRACELINE_HOME=" + jarDir);
    assertThat(Files.readString(script))
        .as("the script's default folder is the image's")
        .contains("${TRACELINE_HOME:-" + jarDir + "}");

    String user = single(image, "USER").arguments();
    assertThat(user)
        .as("a numeric uid:gid, so Kubernetes can check runAsNonRoot")
        .matches("\\d+:\\d+");
    assertThat(Integer.parseInt(user.split(":", -1)[0])).isPositive();
    assertThat(image)
        .filteredOn(i -> i.keyword().equals("RUN"))
        .anyMatch(i -> i.arguments().contains("--uid " + user.split(":", -1)[0]));
  }

  @Test
  void exposesEveryStagesDefaultPorts() throws IOException {
    Set<Integer> exposed = new TreeSet<>();
    for (String port : single(Dockerfiles.finalStage(DOCKERFILE), "EXPOSE").words()) {
      exposed.add(Integer.parseInt(port));
    }
    for (String stage : Stages.CONFIGS.keySet()) {
      Stages.Loaded defaults = Stages.load(stage, REQUIRED, null);
      assertThat(exposed).as(stage + "'s admin port").contains(defaults.adminPort());
    }
    JsonNode http = Stages.load("serve", REQUIRED, null).value("http.port");
    assertThat(exposed).as("serve's UI and API").contains(http.asInt());
  }

  @Test
  void copiedSourcesExistAndAreNotIgnored() throws IOException {
    List<String> ignored =
        Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
            .map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertThat(ignored)
        .as("build output and history stay out of the context")
        .contains("**/target", ".git");
    for (Instruction i : Dockerfiles.read(DOCKERFILE)) {
      if (!i.keyword().equals("COPY") || i.arguments().startsWith("--from=")) {
        continue;
      }
      List<String> words = i.words();
      for (String source : words.subList(0, words.size() - 1)) {
        if (source.equals(".")) {
          continue;
        }
        assertThat(ROOT.resolve(source)).as("COPY " + source).exists();
        for (String pattern : ignored) {
          assertThat(source)
              .as("COPY " + source + " is not ignored by " + pattern)
              .doesNotStartWith(pattern);
        }
      }
    }
  }

  private static Instruction single(List<Instruction> instructions, String keyword) {
    List<Instruction> found =
        instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    assertThat(found).as(keyword + " in the image's stage").hasSize(1);
    return found.get(0);
  }
}
