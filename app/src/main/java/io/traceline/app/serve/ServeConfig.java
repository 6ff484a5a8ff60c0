package io.traceline.app.serve;

import io.traceline.app.runtime.RuntimeSettings;
import io.traceline.app.runtime.StageConfig;
import io.traceline.app.sink.SinkConfig;
import io.traceline.sink.opensearch.OpenSearchSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration of {@code traceline serve}, bound from file, environment and flags by {@link
 * io.traceline.app.config.ConfigLoader}; the keys are documented in {@code docs/configuration.md}
 * and {@code deploy/config/serve.yaml}. Immutable.
 *
 * @param opensearch where the timelines are read ({@link OpenSearchSettings}, the same keys as the
 *     sink's; {@code retention} is not used)
 * @param http where the UI and the API listen
 * @param runtime admin port (metrics and health, apart from the UI's port), instance name, shutdown
 *     timeout, logging ({@link RuntimeSettings})
 */
public record ServeConfig(OpenSearchSettings opensearch, Http http, RuntimeSettings runtime)
    implements StageConfig {

  /** The default admin port of serve. */
  public static final int ADMIN_PORT = 9404;

  /** Every default; {@code opensearch.endpoints} must be set. */
  public static ServeConfig defaults() {
    return new ServeConfig(
        SinkConfig.defaults().opensearch(),
        new Http("0.0.0.0", 8080),
        RuntimeSettings.defaults(ADMIN_PORT));
  }

  /**
   * The HTTP listener.
   *
   * @param host the address to bind ({@code 0.0.0.0}: every interface; {@code 127.0.0.1}: this
   *     machine only)
   * @param port the port; 0 picks a free one
   */
  public record Http(String host, int port) {

    /** Every invalid value, with its key. */
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (host == null || host.isBlank()) {
        problems.add("host must not be blank");
      }
      if (port < 0 || port > 65535) {
        problems.add("port must be between 0 and 65535, was " + port);
      }
      return problems;
    }
  }
}
