package io.traceline.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.traceline.app.cli.DurationConverter;
import io.traceline.app.config.ConfigLoader;
import io.traceline.app.config.ConfigOptions;
import io.traceline.app.config.EffectiveConfig;
import io.traceline.app.config.FlagOverrides;
import io.traceline.app.correlate.CorrelateConfig;
import io.traceline.app.ingest.IngestConfig;
import io.traceline.app.serve.ServeConfig;
import io.traceline.app.sink.SinkConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The four service stages of the deployment files and their configuration, loaded exactly as the
 * stage commands load it ({@link ConfigLoader}: defaults, file, environment), so that a deployment
 * file is checked against the real keys, defaults and validation rules rather than a copy of them.
 */
final class Stages {

  /** The stage commands and their configuration records. */
  static final Map<String, Class<?>> CONFIGS =
      Map.of(
          "ingest", IngestConfig.class,
          "correlate", CorrelateConfig.class,
          "sink", SinkConfig.class,
          "serve", ServeConfig.class);

  /**
   * TRACELINE_ variables that are not configuration keys: the file's name (read by every stage) and
   * the image entrypoint's folder of the distribution.
   */
  static final Set<String> NOT_KEYS = Set.of(ConfigOptions.CONFIG_FILE_VARIABLE, "TRACELINE_HOME");

  /** The repository root: the app module runs its tests with app/ as working directory. */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)");

  private Stages() {}

  /**
   * A stage's effective configuration.
   *
   * @param stage the stage command
   * @param effective what {@code --print-config} prints, as a tree (secrets masked)
   * @param origins one line per key: {@code key = value (source)}
   * @param warnings variables that look like configuration but set nothing
   */
  record Loaded(String stage, JsonNode effective, List<String> origins, List<String> warnings) {

    /** The value at a dotted path; fails the test when the stage has no such key. */
    JsonNode value(String path) {
      JsonNode node = at(path);
      assertThat(node.isMissingNode()).as(stage + " has the key " + path).isFalse();
      return node;
    }

    boolean has(String path) {
      return !at(path).isMissingNode();
    }

    private JsonNode at(String path) {
      JsonNode node = effective;
      for (String name : path.split("\\.", -1)) {
        node = node.path(name);
      }
      return node;
    }

    int adminPort() {
      return value("runtime.adminPort").asInt();
    }

    Duration shutdownTimeout() {
      Duration timeout = DurationConverter.parse(value("runtime.shutdownTimeout").asText());
      assertThat(timeout).as(stage + " runtime.shutdownTimeout").isNotNull();
      return timeout;
    }

    /** Whether the value {@code variable} sets is a secret (masked in the origins). */
    boolean setsSecret(String variable) {
      return origins.stream()
          .anyMatch(l -> l.endsWith("(env " + variable + ")") && l.contains(" = ******  "));
    }
  }

  /** Loads {@code stage}'s configuration from {@code env} and {@code file} (null for none). */
  static Loaded load(String stage, Map<String, String> env, Path file) {
    Class<?> type = CONFIGS.get(stage);
    assertThat(type).as("a service stage: " + stage).isNotNull();
    EffectiveConfig<?> config = new ConfigLoader(env).load(type, file, new FlagOverrides());
    try {
      return new Loaded(stage, YAML.readTree(config.yaml()), config.origins(), config.warnings());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that every TRACELINE_ variable of {@code env} sets a configuration key of the stage: a
   * misspelt or stale name would otherwise be ignored (or only warned about) at start.
   */
  static void assertEveryVariableSetsAKey(String where, Map<String, String> env, Loaded loaded) {
    assertThat(loaded.warnings()).as(where + ": warnings of the configuration").isEmpty();
    for (String name : env.keySet()) {
      if (name.startsWith("TRACELINE_") && !NOT_KEYS.contains(name)) {
        assertThat(loaded.origins())
            .as(where + ": " + name + " sets a configuration key of " + loaded.stage())
            .anyMatch(line -> line.endsWith("(env " + name + ")"));
      }
    }
  }

  /** The heap size JAVA_OPTS give with -Xmx, in bytes; fails the test when there is none. */
  static long maxHeapBytes(String where, String javaOpts) {
    Matcher m = XMX.matcher(javaOpts == null ? "" : javaOpts);
    assertThat(m.find()).as(where + ": JAVA_OPTS sets -Xmx").isTrue();
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      default -> n;
    };
  }
}
