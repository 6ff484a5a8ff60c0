package io.traceline.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.traceline.model.Json;
import io.traceline.model.TraceIds;
import io.traceline.serve.query.BadQueryException;
import io.traceline.serve.query.SearchCriteria;
import io.traceline.serve.query.TimeRange;
import io.traceline.serve.query.TimelineReader;
import io.traceline.sink.opensearch.OpenSearchUnavailableException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code traceline serve}'s HTTP server: the web UI (static files and the WebJars it uses) and the
 * JSON API under {@code /api}, both reading OpenSearch through a {@link TimelineReader}.
 *
 * <table>
 *   <caption>The API</caption>
 *   <tr><th>Request</th><th>Answer</th></tr>
 *   <tr><td>{@code GET /api/timelines?from&to&service&route&flag&minDurationMs&status&limit}</td>
 *       <td>{@code {total, timelines: [summary]}}, newest first</td></tr>
 *   <tr><td>{@code GET /api/timelines/{traceId}}</td><td>the timeline at its latest revision
 *       (any trace id form); 404 when there is none</td></tr>
 *   <tr><td>{@code GET /api/facets?from&to}</td><td>services, routes and flag types</td></tr>
 *   <tr><td>{@code GET /api/service-map?from&to}</td><td>services with their health, edges</td></tr>
 *   <tr><td>{@code GET /api/outliers?from&to&limit}</td><td>latency outliers, most extreme first</td></tr>
 * </table>
 *
 * <p>Errors are JSON {@code {error, problems}}: 400 listing every invalid parameter, 404, 503 while
 * OpenSearch is unavailable. Not thread-confined: Jetty serves requests on its own threads.
 */
public final class ServeServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServeServer.class);

  /** Where the UI's static files are on the classpath. */
  static final String UI_RESOURCES = "/io/traceline/serve/ui";

  private final Javalin app;
  private final TimelineReader reader;
  private final Clock clock;

  private ServeServer(TimelineReader reader, Clock clock) {
    this.reader = reader;
    this.clock = clock;
    ObjectMapper mapper = Json.MAPPER.copy();
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.jsonMapper(new JavalinJackson(mapper, false));
              config.staticFiles.add(UI_RESOURCES, Location.CLASSPATH);
              config.staticFiles.enableWebjars();
            });
    app.get("/api/timelines", this::search);
    app.get("/api/timelines/{traceId}", this::timeline);
    app.get("/api/facets", ctx -> ctx.json(reader.facets(range(ctx))));
    app.get("/api/service-map", ctx -> ctx.json(reader.serviceMap(range(ctx))));
    app.get("/api/outliers", this::outliers);
    app.exception(
        BadQueryException.class,
        (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, "invalid request", e.problems()));
    app.exception(
        OpenSearchUnavailableException.class,
        (e, ctx) -> {
          LOG.warn("OpenSearch unavailable: {}", e.getMessage());
          error(
              ctx,
              HttpStatus.SERVICE_UNAVAILABLE,
              "OpenSearch is unavailable",
              List.of("try again later; the server's log says why"));
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          error(
              ctx,
              HttpStatus.INTERNAL_SERVER_ERROR,
              "internal error",
              List.of("see the server's log"));
        });
  }

  /**
   * Starts serving on {@code host}:{@code port} (0: a free port; see {@link #port()}).
   *
   * @param reader where the answers come from; belongs to the caller
   * @param clock the clock of default time ranges (the last hour)
   */
  public static ServeServer start(TimelineReader reader, Clock clock, String host, int port) {
    ServeServer server = new ServeServer(reader, clock);
    server.app.start(host, port);
    return server;
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
  }

  private void search(Context ctx) throws OpenSearchUnavailableException {
    ctx.json(reader.search(SearchCriteria.parse(ctx.queryParamMap(), clock.instant())));
  }

  private void timeline(Context ctx) throws OpenSearchUnavailableException {
    String raw = ctx.pathParam("traceId");
    TraceIds.Result parsed = TraceIds.parse(raw);
    if (parsed instanceof TraceIds.Rejected rejected) {
      throw new BadQueryException(
          List.of("'" + raw + "' is no trace id (" + rejected.reason() + ")"));
    }
    String traceId = ((TraceIds.Parsed) parsed).traceId();
    reader
        .timeline(traceId)
        .ifPresentOrElse(
            ctx::json,
            () -> error(ctx, HttpStatus.NOT_FOUND, "no timeline of trace " + traceId, List.of()));
  }

  private void outliers(Context ctx) throws OpenSearchUnavailableException {
    SearchCriteria criteria = SearchCriteria.parse(ctx.queryParamMap(), clock.instant());
    ctx.json(Map.of("outliers", reader.outliers(criteria.range(), criteria.limit())));
  }

  private TimeRange range(Context ctx) {
    return SearchCriteria.parse(ctx.queryParamMap(), clock.instant()).range();
  }

  private static void error(Context ctx, HttpStatus status, String error, List<String> problems) {
    ctx.status(status).json(Map.of("error", error, "problems", problems));
  }

  /** Stops serving; requests in flight are finished first. */
  @Override
  public void close() {
    app.stop();
  }
}
