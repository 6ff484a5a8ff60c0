package io.traceline.app.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.traceline.app.cli.SignalStop;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running stage service has besides its own work: the logging set up from its {@code
 * runtime} settings, a Prometheus meter registry (every meter tagged with {@code stage} and {@code
 * instance}, JVM and process meters bound), the admin endpoints ({@link AdminServer}) and the stop
 * that SIGTERM/SIGINT request.
 *
 * <p>The stage registers its health checks ({@link #liveness}, {@link #readiness}), waits in {@link
 * #awaitStop} and then shuts its work down within {@link #shutdownTimeout()}; readiness answers 503
 * from the moment a stop is requested. {@link #close()} stops the admin server last, so that
 * metrics stay scrapable until the work is done. Created and closed by {@link StageCommand}; the
 * checks may be set from any thread.
 */
public final class StageRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StageRuntime.class);

  /** What a signal's hook waits beyond the shutdown timeout for main to finish and exit. */
  private static final Duration SIGNAL_MARGIN = Duration.ofSeconds(5);

  private final String instance;
  private final RuntimeSettings settings;
  private final SignalStop signal;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final AdminServer admin;
  private volatile Health.Check live = () -> Health.up("running");
  private volatile Health.Check ready = () -> Health.down("starting");

  private StageRuntime(
      String stage, RuntimeSettings settings, SignalStop signal, Map<String, String> environment) {
    this.settings = settings;
    this.signal = signal;
    this.instance = settings.instanceName(environment);
    StageLogging.configure(stage, instance, settings.logLevel(), settings.logFormat());
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("stage", stage, "instance", instance);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    this.gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    try {
      this.admin =
          AdminServer.start(
              registry,
              stage,
              instance,
              settings.adminHost(),
              settings.adminPort(),
              () -> live.check(),
              this::readiness);
    } catch (RuntimeException e) {
      gcMetrics.close();
      registry.close();
      throw e;
    }
    signal.install(settings.shutdownTimeout().plus(SIGNAL_MARGIN));
  }

  /**
   * Sets logging up, starts the admin endpoints and installs the signal handling.
   *
   * @param stage the stage's name in logs and metrics ({@code ingest}, {@code correlate}, ...)
   * @param settings the stage's {@code runtime} section
   * @param signal the stop the command's tests and SIGTERM request; closed by {@link #close()}
   * @param environment where {@code HOSTNAME} is looked up for the instance's name
   */
  public static StageRuntime start(
      String stage, RuntimeSettings settings, SignalStop signal, Map<String, String> environment) {
    StageRuntime runtime = new StageRuntime(stage, settings, signal, environment);
    LOG.info(
        "{} {} started; metrics and health on http://{}:{}/",
        stage,
        runtime.instance,
        settings.adminHost(),
        runtime.adminPort());
    return runtime;
  }

  /** Where the stage's meters go (Prometheus, tagged with stage and instance). */
  public MeterRegistry registry() {
    return registry;
  }

  /** This instance's name in logs and metrics. */
  public String instance() {
    return instance;
  }

  /** The port the admin endpoints listen on. */
  public int adminPort() {
    return admin.port();
  }

  /** How long the stage may take to stop once asked. */
  public Duration shutdownTimeout() {
    return settings.shutdownTimeout();
  }

  /** Sets what {@code /health/live} answers (default: always up). */
  public void liveness(Health.Check check) {
    this.live = Objects.requireNonNull(check, "check");
  }

  /** Sets what {@code /health/ready} answers (default: down, "starting"). */
  public void readiness(Health.Check check) {
    this.ready = Objects.requireNonNull(check, "check");
  }

  /** Waits at most {@code timeout} for a stop request (SIGTERM, SIGINT); true when one came. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return signal.await(timeout);
  }

  private Health readiness() {
    if (signal.requested()) {
      return Health.down("stopping");
    }
    return ready.check();
  }

  /** Stops the admin endpoints and releases a waiting signal: the process may exit now. */
  @Override
  public void close() {
    try {
      admin.close();
      gcMetrics.close();
      registry.close();
    } finally {
      signal.close();
    }
  }
}
