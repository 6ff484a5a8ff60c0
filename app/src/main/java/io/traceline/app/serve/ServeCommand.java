package io.traceline.app.serve;

import io.traceline.app.config.FlagOverrides;
import io.traceline.app.runtime.Health;
import io.traceline.app.runtime.StageCommand;
import io.traceline.app.runtime.StageRuntime;
import io.traceline.serve.ServeServer;
import io.traceline.serve.query.TimelineReader;
import io.traceline.sink.opensearch.DocKind;
import io.traceline.sink.opensearch.OpenSearchConnection;
import io.traceline.sink.opensearch.OpenSearchUnavailableException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code traceline serve}: the web UI and the JSON API over the timelines in OpenSearch, as a
 * service. Runs until SIGTERM or SIGINT, then finishes the requests in flight and exits 0.
 * Configured by {@link ServeConfig} from {@code --config}, {@code TRACELINE_*} variables and its
 * flags (which win); exits 2 listing every problem. Ready ({@code /health/ready}) while it serves,
 * OpenSearch reachable or not (the detail says which): the UI itself tells users when OpenSearch is
 * unavailable, and taking every instance out of its load balancer during an OpenSearch outage would
 * only replace that page by the balancer's error.
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
public final class ServeCommand extends StageCommand<ServeConfig> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

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

  /** Reads the process's environment. */
  public ServeCommand() {
    this(System.getenv());
  }

  /** Reads {@code environment} instead of the process's (tests, embedding). */
  ServeCommand(Map<String, String> environment) {
    super("serve", ServeConfig.class, environment);
  }

  @Override
  protected int run(ServeConfig settings, StageRuntime runtime) throws Exception {
    try (OpenSearchConnection connection = OpenSearchConnection.open(settings.opensearch());
        ServeServer server =
            ServeServer.start(
                new TimelineReader(connection),
                Clock.systemUTC(),
                settings.http().host(),
                settings.http().port())) {
      runtime.readiness(() -> reachable(connection));
      LOG.info(
          "serving the UI on http://{}:{}/ over {}",
          settings.http().host(),
          server.port(),
          settings.opensearch().endpoints());
      while (!runtime.awaitStop(Duration.ofDays(1))) {
        // serving until a stop is requested
      }
      LOG.info("stopping");
      return 0;
    }
  }

  /**
   * Up, with whether OpenSearch answers a read of the timelines' alias with the configured
   * credentials (a 404 before the sink created it counts: the cluster answered).
   */
  static Health reachable(OpenSearchConnection connection) {
    String path = "/" + DocKind.TIMELINE.alias();
    try {
      int status = connection.send("HEAD", path, Map.of(), null).status();
      if (status == 401 || status == 403) {
        return Health.up(
            "serving; OpenSearch refuses the credentials (" + status + " on HEAD " + path + ")");
      }
      if (status >= 500) {
        return Health.up("serving; OpenSearch answers " + status);
      }
      return Health.up("OpenSearch reachable");
    } catch (OpenSearchUnavailableException e) {
      return Health.up("serving; OpenSearch unavailable, the API answers 503");
    }
  }

  @Override
  protected FlagOverrides flags() {
    return new FlagOverrides()
        .put("opensearch.endpoints", "--opensearch", endpoints.isEmpty() ? null : endpoints)
        .put("http.host", "--host", host)
        .put("http.port", "--port", port);
  }
}
