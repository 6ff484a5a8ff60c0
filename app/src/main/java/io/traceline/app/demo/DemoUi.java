package io.traceline.app.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.embedded.EmbeddedOpenSearch;
import io.traceline.serve.ServeServer;
import io.traceline.serve.query.TimelineReader;
import io.traceline.sink.kafka.SinkService;
import io.traceline.sink.kafka.SinkSettings;
import io.traceline.sink.opensearch.OpenSearchConnection;
import io.traceline.sink.opensearch.OpenSearchIndexer;
import io.traceline.sink.opensearch.OpenSearchSettings;
import java.time.Clock;

/**
 * {@code traceline demo --with-opensearch}: the rest of the product beside the demo's pipeline. An
 * OpenSearch server (the distribution the build unpacked), {@code traceline sink}'s service
 * indexing the correlator's timelines, alerts and service edges into it, and {@code traceline
 * serve}'s UI over it. Owns all of them; {@link #close()} stops them in reverse order.
 */
final class DemoUi implements AutoCloseable {

  private EmbeddedOpenSearch opensearch;
  private OpenSearchIndexer indexer;
  private SinkService sink;
  private OpenSearchConnection connection;
  private ServeServer server;

  private DemoUi() {}

  /**
   * Starts OpenSearch, the sink on {@code bootstrapServers} and the UI on {@code port} of every
   * interface.
   */
  static DemoUi start(String bootstrapServers, int port, MeterRegistry registry) {
    DemoUi ui = new DemoUi();
    try {
      System.err.println(
          "traceline demo: starting OpenSearch " + EmbeddedOpenSearch.VERSION + "...");
      ui.opensearch = EmbeddedOpenSearch.start();
      OpenSearchSettings settings = OpenSearchSettings.of(ui.opensearch.httpUri());
      ui.indexer = OpenSearchIndexer.create(settings);
      ui.sink =
          new SinkService(
              SinkSettings.of(bootstrapServers), ui.indexer, registry, Clock.systemUTC());
      ui.sink.start();
      ui.connection = OpenSearchConnection.open(settings);
      ui.server =
          ServeServer.start(new TimelineReader(ui.connection), Clock.systemUTC(), "0.0.0.0", port);
      System.err.println(
          "traceline demo: OpenSearch at "
              + ui.opensearch.httpUri()
              + "; the UI is at http://localhost:"
              + ui.server.port()
              + "/ (timelines appear there as they close)");
      return ui;
    } catch (RuntimeException e) {
      ui.close();
      throw e;
    }
  }

  /** The UI's port. */
  int port() {
    return server.port();
  }

  /** Fails the demo when the sink stopped on its own. */
  void check() {
    if (sink.isStopped() && sink.failure() != null) {
      throw new IllegalStateException("the sink failed: " + sink.failure(), sink.failure());
    }
  }

  @Override
  public void close() {
    DemoPipeline.closeQuietly(server);
    DemoPipeline.closeQuietly(connection);
    DemoPipeline.closeQuietly(sink);
    DemoPipeline.closeQuietly(indexer);
    DemoPipeline.closeQuietly(opensearch);
  }
}
