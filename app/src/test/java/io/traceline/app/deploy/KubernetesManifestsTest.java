package io.traceline.app.deploy;

import static io.traceline.app.deploy.Stages.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes, checked without a cluster: every stage's ConfigMap and environment load
 * through the stage's own configuration loader, and what the manifests say about a stage (probe and
 * scrape ports, the state volume, the grace period, memory) agrees with that configuration.
 */
@Timeout(60)
class KubernetesManifestsTest {

  private static final Path DIR = ROOT.resolve("deploy/kubernetes");
  private static final Pattern QUANTITY = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?");

  /** Metaspace, threads, code cache, buffers and the rest of the JVM outside the heap. */
  private static final long JVM_OVERHEAD = 512L << 20;

  private static final List<JsonNode> OBJECTS = new ArrayList<>();
  private static JsonNode kustomization;

  @TempDir Path tmp;

  @BeforeAll
  static void read() throws IOException {
    kustomization = Stages.YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
    for (JsonNode resource : kustomization.path("resources")) {
      Path file = DIR.resolve(resource.asText());
      assertThat(file).as("kustomization resource").isRegularFile();
      try (MappingIterator<JsonNode> docs =
          Stages.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc != null && !doc.isEmpty()) {
            OBJECTS.add(doc);
          }
        }
      }
    }
  }

  @Test
  void kustomizationListsEveryManifestAndPinsTheImage() throws IOException {
    List<String> listed = new ArrayList<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> manifests =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
              .toList();
      assertThat(listed).containsExactlyInAnyOrderElementsOf(manifests);
    }
    Map<String, String> tags = new LinkedHashMap<>();
    kustomization
        .path("images")
        .forEach(i -> tags.put(i.path("name").asText(), i.path("newTag").asText()));
    for (JsonNode object : OBJECTS) {
      assertThat(object.path("metadata").path("name").asText()).as("named: " + object).isNotEmpty();
      for (JsonNode container :
          object.path("spec").path("template").path("spec").path("containers")) {
        String image = container.path("image").asText();
        assertThat(tags).as("the kustomization sets the tag of " + image).containsKey(image);
        assertThat(tags.get(image)).as("tag of " + image).matches(".*\\d.*");
      }
    }
  }

  @Test
  void everyStageConfigurationLoadsAndEveryVariableSetsAKey() throws IOException {
    List<String> stages = new ArrayList<>();
    for (JsonNode workload : workloads()) {
      Stage stage = stage(workload);
      stages.add(stage.loaded.stage());
      Stages.assertEveryVariableSetsAKey(stage.where, stage.env, stage.loaded);
      for (JsonNode variable : stage.container.path("env")) {
        String name = variable.path("name").asText();
        if (stage.loaded.setsSecret(name)) {
          assertThat(variable.path("valueFrom").path("secretKeyRef").isObject())
              .as(stage.where + ": the secret " + name + " comes from a Secret, never a literal")
              .isTrue();
        }
      }
    }
    assertThat(stages)
        .as("one workload per stage")
        .containsExactlyInAnyOrderElementsOf(Stages.CONFIGS.keySet());
    assertThat(kinds("Secret")).as("no Secret with values in the manifests").isEmpty();
  }

  @Test
  void probesAndScrapingUseTheConfiguredAdminPort() throws IOException {
    for (JsonNode workload : workloads()) {
      Stage stage = stage(workload);
      int admin = stage.loaded.adminPort();
      JsonNode probes = stage.container;
      assertThat(probes.path("livenessProbe").path("httpGet").path("path").asText())
          .as(stage.where)
          .isEqualTo("/health/live");
      assertThat(probes.path("readinessProbe").path("httpGet").path("path").asText())
          .as(stage.where)
          .isEqualTo("/health/ready");
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        JsonNode httpGet = probes.path(probe).path("httpGet");
        if (!httpGet.isMissingNode()) {
          assertThat(containerPort(stage.container, httpGet.path("port")))
              .as(stage.where + " " + probe + " port = runtime.adminPort")
              .isEqualTo(admin);
        }
      }
      JsonNode annotations =
          workload.path("spec").path("template").path("metadata").path("annotations");
      assertThat(annotations.path("prometheus.io/scrape").asText())
          .as(stage.where)
          .isEqualTo("true");
      assertThat(annotations.path("prometheus.io/path").asText())
          .as(stage.where)
          .isEqualTo("/metrics");
      assertThat(annotations.path("prometheus.io/port").asText())
          .as(stage.where + " scrape port = runtime.adminPort")
          .isEqualTo(Integer.toString(admin));
    }
  }

  @Test
  void podsStopWithinTheirGracePeriodAndRunLockedDown() throws IOException {
    String user =
        Dockerfiles.finalStage(ROOT.resolve("Dockerfile")).stream()
            .filter(i -> i.keyword().equals("USER"))
            .findFirst()
            .orElseThrow()
            .arguments();
    for (JsonNode workload : workloads()) {
      Stage stage = stage(workload);
      JsonNode pod = workload.path("spec").path("template").path("spec");
      assertThat((long) pod.path("terminationGracePeriodSeconds").asInt())
          .as(stage.where + ": terminationGracePeriodSeconds > runtime.shutdownTimeout")
          .isGreaterThan(stage.loaded.shutdownTimeout().toSeconds());

      JsonNode security = pod.path("securityContext");
      assertThat(security.path("runAsNonRoot").asBoolean()).as(stage.where).isTrue();
      assertThat(security.path("runAsUser").asText() + ":" + security.path("runAsGroup").asText())
          .as(stage.where + ": the image's user")
          .isEqualTo(user);
      JsonNode container = stage.container.path("securityContext");
      assertThat(container.path("readOnlyRootFilesystem").asBoolean()).as(stage.where).isTrue();
      assertThat(container.path("allowPrivilegeEscalation").asBoolean(true))
          .as(stage.where)
          .isFalse();
      assertThat(container.path("capabilities").path("drop").toString())
          .as(stage.where)
          .contains("ALL");
      assertThat(mountedVolume(workload, stage.container, "/tmp").path("emptyDir").isObject())
          .as(stage.where + ": a writable /tmp")
          .isTrue();
    }
  }

  @Test
  void memoryLimitsHoldTheHeapAndTheRestOfTheJvm() throws IOException {
    for (JsonNode workload : workloads()) {
      Stage stage = stage(workload);
      JsonNode resources = stage.container.path("resources");
      for (String kind : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          assertThat(resources.path(kind).path(resource).asText())
              .as(stage.where + " " + kind + "." + resource)
              .isNotEmpty();
        }
      }
      long limit = bytes(resources.path("limits").path("memory").asText());
      long heap = Stages.maxHeapBytes(stage.where, stage.env.get("JAVA_OPTS"));
      long rocksdb = rocksDbBudget(stage.loaded);
      assertThat(limit)
          .as(stage.where + ": memory limit >= heap + RocksDB budget + JVM overhead")
          .isGreaterThanOrEqualTo(heap + rocksdb + JVM_OVERHEAD);
    }
  }

  @Test
  void theCorrelatorIsAStatefulSetWithItsStateOnItsVolumes() throws IOException {
    List<JsonNode> sets = kinds("StatefulSet");
    assertThat(sets).hasSize(1);
    JsonNode set = sets.get(0);
    Stage stage = stage(set);
    assertThat(stage.loaded.stage()).isEqualTo("correlate");

    String stateDir = stage.loaded.value("kafka.stateDir").asText();
    List<String> claims = new ArrayList<>();
    set.path("spec")
        .path("volumeClaimTemplates")
        .forEach(c -> claims.add(c.path("metadata").path("name").asText()));
    String mounted = null;
    for (JsonNode mount : stage.container.path("volumeMounts")) {
      if (stateDir.equals(mount.path("mountPath").asText())) {
        mounted = mount.path("name").asText();
      }
    }
    assertThat(mounted).as("a volume mounted at kafka.stateDir " + stateDir).isNotNull();
    assertThat(claims).as("the state volume is a claim per pod").contains(mounted);

    assertThat(set.path("spec").path("replicas").asInt()).as("instances").isGreaterThanOrEqualTo(2);
    assertThat(stage.loaded.value("kafka.standbyReplicas").asInt())
        .as("a warm copy of each task's stores on another instance")
        .isGreaterThanOrEqualTo(1);

    JsonNode service = named("Service", set.path("spec").path("serviceName").asText());
    assertThat(service.path("spec").path("clusterIP").asText()).as("headless").isEqualTo("None");
    assertThat(selects(service.path("spec").path("selector"), set)).isTrue();
  }

  @Test
  void selectorsMatchTheirPods() {
    for (JsonNode workload : workloads()) {
      assertThat(selects(workload.path("spec").path("selector").path("matchLabels"), workload))
          .as(workload.path("metadata").path("name").asText() + " selects its own pods")
          .isTrue();
    }
    for (JsonNode budget : kinds("PodDisruptionBudget")) {
      JsonNode selector = budget.path("spec").path("selector").path("matchLabels");
      List<JsonNode> matched = workloads().stream().filter(w -> selects(selector, w)).toList();
      assertThat(matched).as("PDB " + budget.path("metadata").path("name").asText()).hasSize(1);
      JsonNode min = budget.path("spec").path("minAvailable");
      if (!min.isMissingNode()) {
        assertThat(min.asInt())
            .as("minAvailable below the replicas, or no node could be drained")
            .isLessThan(matched.get(0).path("spec").path("replicas").asInt(1));
      }
    }
    for (JsonNode workload : workloads()) {
      assertThat(kinds("PodDisruptionBudget"))
          .as("a PodDisruptionBudget for " + workload.path("metadata").path("name").asText())
          .anyMatch(b -> selects(b.path("spec").path("selector").path("matchLabels"), workload));
      String account =
          workload.path("spec").path("template").path("spec").path("serviceAccountName").asText();
      if (!account.isEmpty()) {
        assertThat(named("ServiceAccount", account)).isNotNull();
      }
    }
    for (JsonNode service : kinds("Service")) {
      List<JsonNode> matched =
          workloads().stream()
              .filter(w -> selects(service.path("spec").path("selector"), w))
              .toList();
      assertThat(matched)
          .as("Service " + service.path("metadata").path("name").asText())
          .hasSize(1);
      JsonNode container =
          matched.get(0).path("spec").path("template").path("spec").path("containers").get(0);
      for (JsonNode port : service.path("spec").path("ports")) {
        containerPort(container, port.path("targetPort"));
      }
    }
  }

  @Test
  void theServeServiceTargetsTheUiPort() throws IOException {
    JsonNode serve = named("Service", "traceline-serve");
    JsonNode workload =
        workloads().stream()
            .filter(w -> selects(serve.path("spec").path("selector"), w))
            .findFirst()
            .orElseThrow();
    Stage stage = stage(workload);
    assertThat(stage.loaded.stage()).isEqualTo("serve");
    assertThat(
            containerPort(
                stage.container, serve.path("spec").path("ports").get(0).path("targetPort")))
        .as("http.port")
        .isEqualTo(stage.loaded.value("http.port").asInt());
  }

  /** A workload's stage: its container, environment and configuration as loaded by the stage. */
  private record Stage(
      String where, JsonNode container, Map<String, String> env, Stages.Loaded loaded) {}

  private Stage stage(JsonNode workload) throws IOException {
    String where =
        workload.path("kind").asText() + " " + workload.path("metadata").path("name").asText();
    JsonNode containers = workload.path("spec").path("template").path("spec").path("containers");
    assertThat(containers.size()).as(where + ": one container").isEqualTo(1);
    JsonNode container = containers.get(0);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    assertThat(args).as(where + ": <stage> --config FILE").hasSize(3);
    assertThat(args.get(1)).isEqualTo("--config");

    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode variable : container.path("env")) {
      JsonNode value = variable.path("value");
      env.put(
          variable.path("name").asText(),
          value.isMissingNode() ? "value-from-the-cluster" : value.asText());
    }
    Path mounted = Path.of(args.get(2));
    JsonNode volume = mountedVolume(workload, container, mounted.getParent().toString());
    JsonNode configMap = named("ConfigMap", volume.path("configMap").path("name").asText());
    JsonNode text = configMap.path("data").path(mounted.getFileName().toString());
    assertThat(text.isTextual()).as(where + ": the ConfigMap holds " + mounted).isTrue();
    Path file = Files.createTempDirectory(tmp, "config").resolve(mounted.getFileName());
    Files.writeString(file, text.asText());
    return new Stage(where, container, env, Stages.load(args.get(0), env, file));
  }

  private static JsonNode mountedVolume(JsonNode workload, JsonNode container, String path) {
    String name = null;
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("mountPath").asText().equals(path)) {
        name = mount.path("name").asText();
      }
    }
    assertThat(name).as("a volume mounted at " + path).isNotNull();
    for (JsonNode volume : workload.path("spec").path("template").path("spec").path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name + " in the pod");
  }

  private static int containerPort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode declared : container.path("ports")) {
      if (declared.path("name").asText().equals(port.asText())) {
        return declared.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + port + " in " + container.path("name"));
  }

  /** The RocksDB memory budget a correlator configuration sets, or 0 where there is none. */
  private static long rocksDbBudget(Stages.Loaded loaded) {
    JsonNode rocksdb = loaded.effective().path("rocksdb");
    for (Map.Entry<String, JsonNode> key : rocksdb.properties()) {
      if (key.getKey().toLowerCase(java.util.Locale.ROOT).contains("memory")) {
        return key.getValue().isNumber() ? key.getValue().asLong() : bytes(key.getValue().asText());
      }
    }
    return 0;
  }

  private static long bytes(String quantity) {
    Matcher m = QUANTITY.matcher(quantity);
    assertThat(m.matches()).as("a memory quantity: " + quantity).isTrue();
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    return switch (unit) {
      case "Ki" -> n << 10;
      case "Mi" -> n << 20;
      case "Gi" -> n << 30;
      case "Ti" -> n << 40;
      case "k" -> n * 1_000L;
      case "M" -> n * 1_000_000L;
      case "G" -> n * 1_000_000_000L;
      case "T" -> n * 1_000_000_000_000L;
      default -> n;
    };
  }

  private static boolean selects(JsonNode selector, JsonNode workload) {
    JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
    if (selector.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> label : selector.properties()) {
      if (!label.getValue().asText().equals(labels.path(label.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static List<JsonNode> workloads() {
    List<JsonNode> workloads = new ArrayList<>(kinds("Deployment"));
    workloads.addAll(kinds("StatefulSet"));
    assertThat(workloads).as("a workload per stage").hasSize(Stages.CONFIGS.size());
    return workloads;
  }

  private static List<JsonNode> kinds(String kind) {
    return OBJECTS.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  private static JsonNode named(String kind, String name) {
    return kinds(kind).stream()
        .filter(o -> o.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }
}
