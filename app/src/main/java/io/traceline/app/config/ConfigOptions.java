package io.traceline.app.config;

import io.traceline.app.UsageException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The configuration options every stage command shares ({@code --config}, {@code --print-config},
 * {@code --check-config}) and the one call that loads the stage's settings. Include it as a picocli
 * mixin:
 *
 * <pre>{@code
 * @Mixin ConfigOptions config = new ConfigOptions();
 *
 * public Integer call() {
 *   MyStageConfig settings = config.load(MyStageConfig.class, flags());
 *   if (config.reportOnly()) {
 *     return 0; // --print-config or --check-config: printed, nothing to run
 *   }
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #load} throws a {@link UsageException} (exit code 2) listing every problem. With {@code
 * --print-config} it prints the effective configuration as YAML, secrets masked; with {@code
 * --check-config} it prints {@code config OK} and where each value came from. Warnings (environment
 * variables that name no key) go to the command's error stream. The file is {@code --config}, else
 * the file named by {@code TRACELINE_CONFIG}, else none. Not thread-safe; one per command instance.
 *
 * @see ConfigLoader the rules of the sources, the environment names and the validation
 */
public final class ConfigOptions {

  /** The environment variable naming the configuration file when {@code --config} is not given. */
  public static final String CONFIG_FILE_VARIABLE = "TRACELINE_CONFIG";

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Configuration file (YAML, or .properties with dotted keys); default: the file named by"
              + " TRACELINE_CONFIG, if any. Environment variables TRACELINE_<SECTION>_<KEY>"
              + " override it; flags override both.")
  Path file;

  @Option(
      names = "--print-config",
      description = "Print the effective configuration (YAML, secrets masked) and exit.")
  boolean printConfig;

  @Option(
      names = "--check-config",
      description =
          "Validate the configuration, print where each value came from, and exit: 0 when valid,"
              + " 2 with every problem listed.")
  boolean checkConfig;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  private final Map<String, String> environment;

  /** Reads the process's environment. */
  public ConfigOptions() {
    this(System.getenv());
  }

  /** Reads {@code environment} instead of the process's (tests, embedding). */
  public ConfigOptions(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * Loads the command's configuration from its defaults, the file, the environment and {@code
   * flags}; prints it when {@code --print-config} or {@code --check-config} was given.
   *
   * @throws UsageException listing every problem (exit code 2)
   */
  public <T> T load(Class<T> type, FlagOverrides flags) {
    EffectiveConfig<T> config = new ConfigLoader(environment).load(type, configFile(), flags);
    PrintWriter err = mixee.commandLine().getErr();
    for (String warning : config.warnings()) {
      err.println("traceline: warning: " + warning);
    }
    PrintWriter out = mixee.commandLine().getOut();
    if (printConfig) {
      out.print(config.yaml());
    }
    if (checkConfig) {
      out.println("config OK");
      for (String origin : config.origins()) {
        out.println("  " + origin);
      }
    }
    out.flush();
    err.flush();
    return config.value();
  }

  /** Whether the command only reports its configuration ({@code --print/--check-config}). */
  public boolean reportOnly() {
    return printConfig || checkConfig;
  }

  private Path configFile() {
    if (file != null) {
      return file;
    }
    String named = environment.get(CONFIG_FILE_VARIABLE);
    return named == null || named.isBlank() ? null : Path.of(named);
  }
}
