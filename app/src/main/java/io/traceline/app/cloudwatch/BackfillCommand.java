package io.traceline.app.cloudwatch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.UsageException;
import io.traceline.app.cli.InstantConverter;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.aws.Retry;
import io.traceline.ingest.cloudwatch.Backfill;
import io.traceline.ingest.publish.EventPublisher;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * {@code traceline backfill}: a past window of log groups through the live ingest path into Kafka
 * (see {@link Backfill}), resumable with {@code --state-file}. Progress per page on stderr, a
 * summary per group on stdout. Exit 0 when every group is complete, 1 when it stopped early (run
 * the same command again to resume), 2 for bad options or a state file of another backfill.
 */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Reads a past time window of log groups with FilterLogEvents and publishes it through the",
      "same parse/normalise/stitch path as live ingest into traceline.events, traceline.unkeyed",
      "and traceline.dlq. With --state-file, progress is saved after every page that Kafka",
      "acknowledged; running the same command again resumes from there."
    })
public final class BackfillCommand implements Callable<Integer> {

  private static final Pattern HOST_PORT = Pattern.compile("[^\\s:,]+:(\\d{1,5})");

  @Option(
      names = "--log-group",
      required = true,
      paramLabel = "GROUP",
      description = "Log group to read; repeat for several (read one after another).")
  List<String> logGroups;

  @Option(
      names = "--start",
      required = true,
      converter = InstantConverter.class,
      paramLabel = "TIME",
      description = "Start of the window, inclusive: ISO-8601 (2025-11-14T08:00:00Z) or epoch ms.")
  Instant start;

  @Option(
      names = "--end",
      required = true,
      converter = InstantConverter.class,
      paramLabel = "TIME",
      description = "End of the window, exclusive: ISO-8601 or epoch ms.")
  Instant end;

  @Option(
      names = "--filter-pattern",
      defaultValue = "",
      description = "CloudWatch filter pattern (default: empty, every event).")
  String filterPattern;

  @Option(
      names = "--bootstrap-servers",
      required = true,
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--state-file",
      paramLabel = "FILE",
      description = "Where progress is saved and resumed from (default: none, not resumable).")
  Path stateFile;

  @Option(
      names = "--restart",
      description = "Ignore an existing --state-file (of this or another backfill) and start over.")
  boolean restart;

  @Mixin AwsOptions aws;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Backfill.Request request = request();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Backfill.Report report;
    try (CloudWatchLogsClient client = aws.client();
        EventPublisher publisher =
            new EventPublisher(
                Map.of("bootstrap.servers", bootstrapServers, "client.id", "traceline-backfill"),
                registry)) {
      report =
          new Backfill(client, Retry.defaults(), new RecordProcessor(registry), publisher)
              .run(
                  request,
                  line -> {
                    err.println(line);
                    err.flush();
                  });
    } catch (Backfill.StateMismatchException e) {
      throw new UsageException(e.getMessage());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new UsageException("--state-file " + stateFile + ": " + e.getMessage());
    }
    out.println(
        "== backfill "
            + start
            + " .. "
            + end
            + (request.filterPattern().isEmpty() ? "" : " pattern " + request.filterPattern()));
    for (Backfill.GroupReport g : report.groups()) {
      out.println(line(g));
    }
    out.flush();
    if (report.ok()) {
      return 0;
    }
    err.println("traceline: backfill stopped: " + report.failure());
    err.println(
        stateFile == null
            ? "traceline: without --state-file a new run starts from the beginning"
            : "traceline: run the same command again to resume from " + stateFile);
    return 1;
  }

  static String line(Backfill.GroupReport g) {
    return String.format(
        Locale.ROOT,
        "%s  pages %d  events %d  keyed %d  unkeyed %d  dead letters %d  %s%s",
        g.logGroup(),
        g.pages(),
        g.events(),
        g.keyed(),
        g.unkeyed(),
        g.deadLetters(),
        g.complete() ? "complete" : "INCOMPLETE",
        g.resumed() ? " (resumed)" : "");
  }

  private Backfill.Request request() {
    List<String> problems = new ArrayList<>();
    for (String g : logGroups) {
      if (g.isBlank() || g.length() > 512) {
        problems.add("--log-group must be 1-512 characters, was '" + g + "'");
      }
    }
    if (!end.isAfter(start)) {
      problems.add("--end " + end + " must be after --start " + start);
    }
    for (String server : bootstrapServers.split(",", -1)) {
      var m = HOST_PORT.matcher(server.trim());
      if (!m.matches()
          || Integer.parseInt(m.group(1)) < 1
          || Integer.parseInt(m.group(1)) > 65535) {
        problems.add("--bootstrap-servers entry '" + server + "' is not HOST:PORT");
      }
    }
    if (stateFile != null) {
      if (Files.isDirectory(stateFile)) {
        problems.add("--state-file " + stateFile + " is a directory");
      }
      Path parent = stateFile.toAbsolutePath().getParent();
      if (parent == null || !Files.isDirectory(parent)) {
        problems.add("--state-file " + stateFile + ": its directory does not exist");
      }
    }
    if (restart && stateFile == null) {
      problems.add("--restart needs --state-file");
    }
    aws.validate(problems);
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid backfill options", problems);
    }
    return new Backfill.Request(
        logGroups, start.toEpochMilli(), end.toEpochMilli(), filterPattern, stateFile, restart);
  }
}
