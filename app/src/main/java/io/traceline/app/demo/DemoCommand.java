package io.traceline.app.demo;

import io.traceline.app.UsageException;
import io.traceline.app.cli.DurationConverter;
import io.traceline.app.cli.KafkaLogging;
import io.traceline.app.cli.SignalStop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code traceline demo}: the whole pipeline on an embedded broker with a synthetic shop workload,
 * printing timelines as they close. Stops after {@code --duration} or on Ctrl-C, cleanly either
 * way: the workload is drained, the last traces are closed and printed, everything is shut down.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline on an embedded Kafka broker (KRaft) with a synthetic workload:",
      "API Gateway -> Lambda -> ECS -> RDS in the exact CloudWatch subscription format, with",
      "injected cold starts, slow queries and third-party timeouts. Prints each closed timeline;",
      "slow or failed ones with an ASCII Gantt chart that marks the bottleneck."
    })
public final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Stop after this long (e.g. 60s, 5m). Default: until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "10",
      description = "Requests per second of the workload (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the workload's random choices (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--gap",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "Inactivity gap after which a trace closes (default: ${DEFAULT-VALUE}; the demo's"
              + " delivery lag is short, production defaults to 30s).")
  Duration gap;

  @Option(
      names = "--data-dir",
      description =
          "Keep the broker's and the correlator's data here and reuse it on the next run."
              + " Default: ./data/demo, emptied at start.")
  Path dataDir;

  @Option(names = "--all", description = "Draw a Gantt chart for every timeline.")
  boolean chartEverything;

  @Option(
      names = "--with-opensearch",
      description =
          "Also start OpenSearch, index the timelines into it as traceline sink does, and serve"
              + " the web UI (timeline pages, service map, outliers) on --ui-port. After"
              + " --duration the UI stays up until Ctrl-C.")
  boolean withOpenSearch;

  @Option(
      names = "--ui-port",
      defaultValue = "8080",
      description = "The UI's port with --with-opensearch (default: ${DEFAULT-VALUE}).")
  int uiPort;

  @Option(
      names = "--width",
      defaultValue = "60",
      description = "Width of the Gantt chart's time axis (default: ${DEFAULT-VALUE}).")
  int width;

  @Override
  public Integer call() throws Exception {
    validate();
    KafkaLogging.errorsOnly(); // the broker runs inside this process
    SignalStop signal = new SignalStop("traceline-demo-shutdown").install(Duration.ofSeconds(60));
    DemoPipeline pipeline = null;
    try {
      // Not try-with-resources: the pipeline prints to stdout but does not own it.
      pipeline =
          DemoPipeline.start(
              new DemoPipeline.Options(
                  rate, seed, gap, dataDir, width, chartEverything, withOpenSearch ? uiPort : null),
              System.out);
      long stopAt =
          duration == null ? Long.MAX_VALUE : System.currentTimeMillis() + duration.toMillis();
      while (!signal.requested() && System.currentTimeMillis() < stopAt) {
        pipeline.step(System.currentTimeMillis());
      }
      pipeline.finish();
      if (pipeline.uiPort() != null && !signal.requested()) {
        System.err.println(
            "traceline demo: the workload is done; the UI stays at http://localhost:"
                + pipeline.uiPort()
                + "/ until Ctrl-C.");
        while (!signal.await(Duration.ofDays(1))) {
          // serving until Ctrl-C
        }
      }
    } finally {
      if (pipeline != null) {
        pipeline.close();
      }
      signal.close();
    }
    return 0;
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      problems.add("--duration must be positive, was " + duration);
    }
    if (!(rate > 0 && rate <= 1000)) {
      problems.add("--rate must be in (0, 1000], was " + rate);
    }
    if (gap.toMillis() < 500 || gap.compareTo(Duration.ofMinutes(10)) > 0) {
      problems.add("--gap must be between 500ms and 10m, was " + gap);
    }
    if (uiPort < 0 || uiPort > 65535) {
      problems.add("--ui-port must be between 0 and 65535, was " + uiPort);
    }
    if (width < 20 || width > 300) {
      problems.add("--width must be between 20 and 300, was " + width);
    }
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid demo options", problems);
    }
  }
}
