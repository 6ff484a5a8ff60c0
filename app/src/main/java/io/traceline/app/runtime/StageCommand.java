package io.traceline.app.runtime;

import io.traceline.app.cli.SignalStop;
import io.traceline.app.config.ConfigOptions;
import io.traceline.app.config.FlagOverrides;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The shape every stage service command shares ({@code ingest}, {@code correlate}, {@code sink},
 * {@code serve}): load and check its configuration ({@code --config}, {@code --print-config},
 * {@code --check-config}, the {@code runtime} flags), start its {@link StageRuntime} (JSON logs,
 * metrics, health endpoints, signal handling), run the stage until a stop is requested, and close
 * the runtime last.
 *
 * <p>A stage implements {@link #flags()} (its own flags as configuration keys) and {@link #run}
 * (start its work, register its health checks, wait in {@link StageRuntime#awaitStop}, then shut
 * the work down within {@link StageRuntime#shutdownTimeout()}; return the exit code). One command
 * instance runs once.
 *
 * @param <C> the stage's configuration record
 */
public abstract class StageCommand<C extends StageConfig> implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(StageCommand.class);

  @Mixin ConfigOptions config;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      description =
          "Port of /metrics, /health/live and /health/ready (runtime.adminPort; 0: a free one).")
  Integer adminPort;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "Level of Traceline's own log: TRACE, DEBUG, INFO, WARN, ERROR (runtime.logLevel).")
  String logLevel;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description = "json (one object per line) or text (runtime.logFormat, default: json).")
  String logFormat;

  private final String stage;
  private final Class<C> type;
  private final Map<String, String> environment;
  private final SignalStop signal;

  /**
   * @param stage the stage's name ({@code ingest}, ...): logs, metrics, thread names
   * @param type the configuration record
   * @param environment the environment variables ({@code System.getenv()}, or a map in tests)
   */
  protected StageCommand(String stage, Class<C> type, Map<String, String> environment) {
    this.stage = stage;
    this.type = type;
    this.environment = Map.copyOf(environment);
    this.config = new ConfigOptions(this.environment);
    this.signal = new SignalStop("traceline-" + stage + "-shutdown");
  }

  /** The stage's own flags as configuration keys; a flag not given is null. */
  protected abstract FlagOverrides flags();

  /**
   * Runs the stage until {@code runtime} says a stop was requested, then stops it.
   *
   * @return the exit code: 0 after a clean stop, 1 when the stage failed on its own
   */
  protected abstract int run(C settings, StageRuntime runtime) throws Exception;

  @Override
  public final Integer call() throws Exception {
    C settings =
        config.load(
            type,
            flags()
                .put("runtime.adminPort", "--admin-port", adminPort)
                .put("runtime.logLevel", "--log-level", logLevel)
                .put("runtime.logFormat", "--log-format", logFormat));
    if (config.reportOnly()) {
      return 0;
    }
    try (StageRuntime runtime =
        StageRuntime.start(stage, settings.runtime(), signal, environment)) {
      return run(settings, runtime);
    } catch (Exception | Error e) {
      // In the stage's own log format too (the command line prints only the message).
      LOG.error("{} failed", stage, e);
      throw e;
    }
  }

  /** Asks the running stage to stop as SIGTERM would (tests, embedding). */
  public void requestStop() {
    signal.request();
  }
}
