package io.traceline.app.runtime;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage's admin endpoints, on their own port (apart from the UI that {@code serve} has):
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter of the registry in Prometheus' text format;
 *   <li>{@code GET /health/live}: 200 while the process can still recover by itself, 503 when only
 *       a restart helps (a supervisor then restarts it);
 *   <li>{@code GET /health/ready}: 200 while the stage does its work (Streams running and its
 *       stores restored, shards known, Kafka joined and OpenSearch reachable), 503 otherwise and
 *       from the moment a stop was requested.
 * </ul>
 *
 * <p>Health answers are JSON: {@code {"status":"UP","stage":"sink","instance":"sink-0","detail":
 * "..."}}. Owns its HTTP server; thread-safe.
 */
final class AdminServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  /** Prometheus' text exposition format, which every scraper reads. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Javalin app;
  private final String stage;
  private final String instance;

  private AdminServer(
      PrometheusMeterRegistry registry,
      String stage,
      String instance,
      Health.Check live,
      Health.Check ready) {
    this.stage = stage;
    this.instance = instance;
    this.app = Javalin.create(config -> config.showJavalinBanner = false);
    app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
    app.get("/health/live", ctx -> answer(ctx, live));
    app.get("/health/ready", ctx -> answer(ctx, ready));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
          ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).result("internal error");
        });
  }

  /** Starts serving on {@code host}:{@code port} (0: a free port, see {@link #port()}). */
  static AdminServer start(
      PrometheusMeterRegistry registry,
      String stage,
      String instance,
      String host,
      int port,
      Health.Check live,
      Health.Check ready) {
    AdminServer server = new AdminServer(registry, stage, instance, live, ready);
    server.app.start(host, port);
    return server;
  }

  int port() {
    return app.port();
  }

  private void answer(Context ctx, Health.Check check) {
    Health health = check.check();
    Map<String, String> body = new LinkedHashMap<>();
    body.put("status", health.up() ? "UP" : "DOWN");
    body.put("stage", stage);
    body.put("instance", instance);
    body.put("detail", health.detail());
    ctx.status(health.up() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
  }

  @Override
  public void close() {
    app.stop();
  }
}
