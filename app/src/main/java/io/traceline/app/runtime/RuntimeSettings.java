package io.traceline.app.runtime;

import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code runtime} section every stage's configuration has: where its admin endpoints listen,
 * how it names itself in logs and metrics, how long a clean stop may take and how it logs.
 * Immutable.
 *
 * @param adminHost the address the admin endpoints bind ({@code 0.0.0.0}: every interface)
 * @param adminPort the admin port ({@code /metrics}, {@code /health/live}, {@code /health/ready});
 *     each stage has its own default (ingest 9401, correlate 9402, sink 9403, serve 9404) so that
 *     all four can run on one host; 0 picks a free port
 * @param instance this instance's name in logs and metrics; null or blank: the {@code HOSTNAME}
 *     variable (the pod's name on Kubernetes), else the host's name
 * @param shutdownTimeout how long a stop (SIGTERM) may take to finish in-flight work, commit and
 *     close before the process gives up and exits 1 (default 60 s); keep a supervisor's grace
 *     period (Kubernetes' {@code terminationGracePeriodSeconds}) longer
 * @param logLevel the level of Traceline's own loggers (TRACE, DEBUG, INFO, WARN, ERROR; default
 *     INFO); the libraries' stay at WARN
 * @param logFormat {@code json} (default: one JSON object per line, with stage and instance) or
 *     {@code text}
 */
public record RuntimeSettings(
    String adminHost,
    int adminPort,
    String instance,
    Duration shutdownTimeout,
    String logLevel,
    LogFormat logFormat) {

  /** The default of {@link #shutdownTimeout}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  /** Every default, with the stage's own admin port. */
  public static RuntimeSettings defaults(int adminPort) {
    return new RuntimeSettings(
        "0.0.0.0", adminPort, null, DEFAULT_SHUTDOWN_TIMEOUT, "INFO", LogFormat.JSON);
  }

  /** Every invalid value, one line each, starting with its key; empty when usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (adminHost == null || adminHost.isBlank()) {
      problems.add("adminHost must not be blank");
    }
    if (adminPort < 0 || adminPort > 65535) {
      problems.add("adminPort must be between 0 and 65535, was " + adminPort);
    }
    if (shutdownTimeout == null || shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
      problems.add("shutdownTimeout must be positive, was " + shutdownTimeout);
    }
    if (logLevel == null || !LEVELS.contains(logLevel.toUpperCase(Locale.ROOT))) {
      problems.add("logLevel must be one of TRACE, DEBUG, INFO, WARN, ERROR, was " + logLevel);
    }
    if (logFormat == null) {
      problems.add("logFormat must be json or text");
    }
    return problems;
  }

  /** {@link #instance}, else {@code HOSTNAME} from {@code environment}, else the host's name. */
  public String instanceName(Map<String, String> environment) {
    if (instance != null && !instance.isBlank()) {
      return instance;
    }
    String hostname = environment.get("HOSTNAME");
    if (hostname != null && !hostname.isBlank()) {
      return hostname;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  /** How a stage writes its own log lines (to standard error); read in any case. */
  public enum LogFormat {
    /** One JSON object per line: timestamp, level, logger, thread, message, stage, instance. */
    JSON,
    /** One human-readable line per event, as the CLI commands log. */
    TEXT;

    @JsonValue
    String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
