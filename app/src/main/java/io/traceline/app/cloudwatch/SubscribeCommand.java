package io.traceline.app.cloudwatch;

import io.traceline.app.UsageException;
import io.traceline.ingest.aws.Retry;
import io.traceline.ingest.cloudwatch.Subscriber;
import io.traceline.ingest.cloudwatch.Subscriber.Action;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * {@code traceline subscribe}: one subscription filter on every log group of a prefix, idempotent
 * (see {@link Subscriber}). One line per group, then a summary. Exit 0 when every group is
 * subscribed or skipped for a reason, 1 when a call failed, 2 for bad options.
 */
@Command(
    name = "subscribe",
    mixinStandardHelpOptions = true,
    description = {
      "Attaches a subscription filter to every log group whose name starts with a prefix.",
      "Idempotent: a group that already has the filter is left alone (updated in place when the",
      "pattern, role or distribution differ); a group at the limit of 2 filters, or with a filter",
      "of the same name to another destination, is skipped with the reason."
    })
public final class SubscribeCommand implements Callable<Integer> {

  private static final Pattern PREFIX = Pattern.compile("[.\\-_/#A-Za-z0-9]+");

  @Option(
      names = "--log-group-prefix",
      required = true,
      paramLabel = "PREFIX",
      description = "Subscribe every log group whose name starts with this.")
  String prefix;

  @Option(
      names = "--destination-arn",
      required = true,
      paramLabel = "ARN",
      description = "Kinesis stream (or Firehose, Lambda, logs destination) to deliver to.")
  String destinationArn;

  @Option(
      names = "--role-arn",
      paramLabel = "ARN",
      description =
          "Role CloudWatch Logs assumes to deliver (required for Kinesis and Firehose"
              + " destinations).")
  String roleArn;

  @Option(
      names = "--filter-name",
      defaultValue = "traceline",
      description = "Name of the subscription filter (default: ${DEFAULT-VALUE}).")
  String filterName;

  @Option(
      names = "--filter-pattern",
      defaultValue = "",
      description = "Filter pattern (default: empty, every event).")
  String filterPattern;

  @Option(
      names = "--distribution",
      paramLabel = "Random|ByLogStream",
      description =
          "How events spread over Kinesis shards (default: Random for Kinesis destinations,"
              + " to avoid hot shards; not sent for other destinations).")
  String distribution;

  @Option(names = "--dry-run", description = "List what would happen; change nothing.")
  boolean dryRun;

  @Mixin AwsOptions aws;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Subscriber.Request request = request();
    PrintWriter out = spec.commandLine().getOut();
    Subscriber.Report report;
    try (CloudWatchLogsClient client = aws.client()) {
      report =
          new Subscriber(client, Retry.defaults())
              .subscribe(request, r -> out.println(line(r, dryRun)));
    }
    out.println(summary(report, request));
    out.flush();
    if (report.ok()) {
      return 0;
    }
    PrintWriter err = spec.commandLine().getErr();
    if (report.listingError() != null) {
      err.println("traceline: " + report.listingError());
    }
    for (Subscriber.Result r : report.results()) {
      if (r.action() == Action.FAILED) {
        err.println("traceline: failed: " + r.logGroup() + ": " + r.detail());
      }
    }
    return 1;
  }

  static String line(Subscriber.Result r, boolean dryRun) {
    String line = String.format(Locale.ROOT, "%-19s %s", r.action().label(dryRun), r.logGroup());
    return r.detail().isEmpty() ? line : line + "  (" + r.detail() + ")";
  }

  static String summary(Subscriber.Report report, Subscriber.Request request) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "== %d log groups matching \"%s\"%s:",
                report.results().size(),
                request.logGroupPrefix(),
                request.dryRun() ? " (dry run, nothing changed)" : ""));
    List<String> parts = new ArrayList<>();
    for (Action a : Action.values()) {
      parts.add(report.count(a) + " " + a.label(request.dryRun()).toLowerCase(Locale.ROOT));
    }
    s.append(' ').append(String.join(", ", parts));
    if (report.listingError() != null) {
      s.append("; listing stopped: ").append(report.listingError());
    }
    return s.toString();
  }

  private Subscriber.Request request() {
    List<String> problems = new ArrayList<>();
    if (!PREFIX.matcher(prefix).matches() || prefix.length() > 512) {
      problems.add(
          "--log-group-prefix must be 1-512 characters of a-z A-Z 0-9 . - _ / #, was '"
              + prefix
              + "'");
    }
    String service = arnService(destinationArn);
    if (service == null) {
      problems.add("--destination-arn " + destinationArn + " is not an ARN");
    }
    boolean needsRole = "kinesis".equals(service) || "firehose".equals(service);
    if (roleArn == null && needsRole) {
      problems.add("--role-arn is required for a " + service + " destination");
    }
    if (roleArn != null && !"iam".equals(arnService(roleArn))) {
      problems.add("--role-arn " + roleArn + " is not an IAM role ARN");
    }
    if (filterName.isEmpty()
        || filterName.length() > 512
        || filterName.contains(":")
        || filterName.contains("*")) {
      problems.add("--filter-name must be 1-512 characters without ':' or '*'");
    }
    if (filterPattern.length() > 1024) {
      problems.add("--filter-pattern is longer than 1024 characters");
    }
    String dist = distribution;
    if (dist != null && !dist.equals("Random") && !dist.equals("ByLogStream")) {
      problems.add("--distribution must be Random or ByLogStream, was " + dist);
    }
    if (dist == null && "kinesis".equals(service)) {
      dist = "Random";
    }
    aws.validate(problems);
    if (!problems.isEmpty()) {
      throw UsageException.of("invalid subscribe options", problems);
    }
    return new Subscriber.Request(
        prefix, filterName, filterPattern, destinationArn, roleArn, dist, dryRun);
  }

  /** The service part of {@code arn:partition:service:region:account:resource}, or null. */
  static String arnService(String arn) {
    String[] parts = arn.split(":", 6);
    if (parts.length < 6 || !parts[0].equals("arn") || parts[2].isEmpty()) {
      return null;
    }
    return parts[2];
  }
}
