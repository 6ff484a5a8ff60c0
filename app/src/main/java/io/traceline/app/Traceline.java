package io.traceline.app;

import io.traceline.app.cli.SignalStop;
import io.traceline.app.cloudwatch.BackfillCommand;
import io.traceline.app.cloudwatch.SubscribeCommand;
import io.traceline.app.correlate.CorrelateCommand;
import io.traceline.app.demo.DemoCommand;
import io.traceline.app.ingest.IngestCommand;
import io.traceline.app.replay.ReplayCommand;
import io.traceline.app.serve.ServeCommand;
import io.traceline.app.sink.SinkCommand;
import io.traceline.app.trace.TraceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one {@code traceline} executable. Exit codes: 0 ok, 1 runtime failure, 2 usage or
 * configuration error.
 */
@Command(
    name = "traceline",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Streaming correlation of CloudWatch logs into per-request timelines.",
    subcommands = {
      DemoCommand.class,
      ReplayCommand.class,
      TraceCommand.class,
      IngestCommand.class,
      CorrelateCommand.class,
      SinkCommand.class,
      ServeCommand.class,
      SubscribeCommand.class,
      BackfillCommand.class,
      io.traceline.app.bench.BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Traceline implements Runnable {

  /** Exit code of a usage or configuration error. */
  public static final int EXIT_USAGE = 2;

  /** Exit code of a failure at run time. */
  public static final int EXIT_FAILURE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** The command line with Traceline's exit codes and error printing. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Traceline());
    cl.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILURE);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("traceline: " + e.getMessage());
          return e instanceof UsageException ? EXIT_USAGE : EXIT_FAILURE;
        });
    return cl;
  }

  public static void main(String[] args) {
    int exitCode = commandLine().execute(args);
    SignalStop.mainReturned(exitCode); // after SIGTERM the JVM exits with it, not with 143
    System.exit(exitCode);
  }
}
