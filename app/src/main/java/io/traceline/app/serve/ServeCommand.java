package io.traceline.app.serve;

import io.traceline.app.cli.SignalStop;
import io.traceline.app.config.ConfigOptions;
import io.traceline.app.config.FlagOverrides;
import io.traceline.serve.ServeServer;
import io.traceline.serve.query.TimelineReader;
import io.traceline.sink.opensearch.OpenSearchConnection;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code traceline serve}: the web UI and the JSON API over the timelines in OpenSearch, as a
 * service. Runs until SIGTERM or SIGINT, then finishes the requests in flight and exits 0.
 * Configured by {@link ServeConfig} from {@code --config}, {@code TRACELINE_*} variables and its
 * flags (which win); exits 2 listing every problem.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the web UI and the JSON API over what traceline sink indexes into OpenSearch:",
      "search timelines by time range, service, route, flag and duration; a timeline page with",
      "its Gantt chart and log lines; the service map with each service's health against its",
      "baseline; latency outliers. Open http://HOST:PORT/ in a browser; the API is under /api.",
      "Settings come from --config FILE, then TRACELINE_<SECTION>_<KEY> variables, then flags."
    })
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin ConfigOptions config;

  @Option(
      names = "--opensearch",
      paramLabel = "URL",
      split = ",",
      description =
          "OpenSearch nodes, http(s)://host:port; repeatable or comma-separated"
              + " (opensearch.endpoints; required).")
  List<URI> endpoints = new ArrayList<>();

  @Option(
      names = "--host",
      description = "The address to listen on (http.host, default: 0.0.0.0, every interface).")
  String host;

  @Option(names = "--port", description = "The port to listen on (http.port, default: 8080).")
  Integer port;

  private final SignalStop signal =
      new SignalStop("traceline-serve-shutdown", Duration.ofSeconds(30));

  /** Reads the process's environment. */
  public ServeCommand() {
    this(new ConfigOptions());
  }

  /** Reads {@code environment} instead of the process's (tests, embedding). */
  ServeCommand(Map<String, String> environment) {
    this(new ConfigOptions(environment));
  }

  private ServeCommand(ConfigOptions config) {
    this.config = config;
  }

  @Override
  public Integer call() throws Exception {
    ServeConfig settings = config.load(ServeConfig.class, flags());
    if (config.reportOnly()) {
      return 0;
    }
    signal.install();
    try (OpenSearchConnection connection = OpenSearchConnection.open(settings.opensearch());
        ServeServer server =
            ServeServer.start(
                new TimelineReader(connection),
                Clock.systemUTC(),
                settings.http().host(),
                settings.http().port())) {
      LOG.info(
          "serving the UI on http://{}:{}/ over {}",
          settings.http().host(),
          server.port(),
          settings.opensearch().endpoints());
      while (!signal.await(Duration.ofDays(1))) {
        // serving until a stop is requested
      }
      LOG.info("stopping");
      return 0;
    } finally {
      signal.close();
    }
  }

  /** Asks a running command to stop as SIGTERM would (for tests and embedding). */
  void requestStop() {
    signal.request();
  }

  private FlagOverrides flags() {
    return new FlagOverrides()
        .put("opensearch.endpoints", "--opensearch", endpoints.isEmpty() ? null : endpoints)
        .put("http.host", "--host", host)
        .put("http.port", "--port", port);
  }
}
