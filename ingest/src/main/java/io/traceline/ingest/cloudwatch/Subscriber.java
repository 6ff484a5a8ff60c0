package io.traceline.ingest.cloudwatch;

import io.traceline.ingest.aws.Retry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogGroupsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogGroupsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeSubscriptionFiltersRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeSubscriptionFiltersResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutSubscriptionFilterRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.SubscriptionFilter;

/**
 * Attaches one subscription filter to every log group whose name starts with a prefix. Idempotent:
 * each group's filters are read first and {@link #decide} says what to do:
 *
 * <ul>
 *   <li>our filter (same name, same destination) with the same pattern, role and distribution:
 *       {@link Action#ALREADY_SUBSCRIBED}, not touched;
 *   <li>our filter with another pattern, role or distribution: {@link Action#UPDATED}
 *       (PutSubscriptionFilter with the same name replaces it in place);
 *   <li>a filter of our name to another destination: {@link Action#SKIPPED} (never redirect someone
 *       else's delivery silently; delete it or choose another filter name);
 *   <li>{@value #MAX_FILTERS_PER_GROUP} other filters: {@link Action#SKIPPED} (the CloudWatch
 *       limit);
 *   <li>otherwise {@link Action#SUBSCRIBED}.
 * </ul>
 *
 * With {@link Request#dryRun} nothing is written: the actions say what would happen ({@link
 * Result#dryRun}). Every call goes through {@link Retry}; a group whose calls fail is {@link
 * Action#FAILED} and the others are still handled.
 *
 * <p>Does not own the client. Not thread-safe (one run at a time); cheap to create.
 */
public final class Subscriber {

  /** Subscription filters CloudWatch Logs allows per log group. */
  public static final int MAX_FILTERS_PER_GROUP = 2;

  /** What happened (or, in a dry run, would happen) to one log group. */
  public enum Action {
    SUBSCRIBED("subscribed", "would subscribe"),
    UPDATED("updated", "would update"),
    ALREADY_SUBSCRIBED("already subscribed", "already subscribed"),
    SKIPPED("skipped", "skipped"),
    FAILED("FAILED", "FAILED");

    private final String done;
    private final String planned;

    Action(String done, String planned) {
      this.done = done;
      this.planned = planned;
    }

    /** How a report names it. */
    public String label(boolean dryRun) {
      return dryRun ? planned : done;
    }
  }

  /**
   * What to subscribe.
   *
   * @param logGroupPrefix groups whose name starts with this
   * @param filterName our filter's name
   * @param filterPattern the filter pattern ({@code ""} = every event)
   * @param destinationArn the Kinesis stream, Firehose, Lambda or logs destination
   * @param roleArn the role CloudWatch Logs assumes to deliver, or null (Lambda, destinations)
   * @param distribution {@code Random} or {@code ByLogStream}, or null to leave the service's
   *     default (it applies to Kinesis destinations only)
   * @param dryRun list what would happen; no PutSubscriptionFilter
   */
  public record Request(
      String logGroupPrefix,
      String filterName,
      String filterPattern,
      String destinationArn,
      String roleArn,
      String distribution,
      boolean dryRun) {
    public Request {
      Objects.requireNonNull(logGroupPrefix, "logGroupPrefix");
      Objects.requireNonNull(filterName, "filterName");
      filterPattern = filterPattern == null ? "" : filterPattern;
      Objects.requireNonNull(destinationArn, "destinationArn");
    }
  }

  /**
   * One log group's result.
   *
   * @param logGroup the group
   * @param action what happened
   * @param detail why (skipped), what changed (updated), the error (failed); "" otherwise
   */
  public record Result(String logGroup, Action action, String detail) {
    public Result {
      Objects.requireNonNull(logGroup, "logGroup");
      Objects.requireNonNull(action, "action");
      detail = detail == null ? "" : detail;
    }
  }

  /**
   * A whole run.
   *
   * @param results one per log group, in the service's order
   * @param listingError why the log groups could not be listed (the run stopped), or null
   */
  public record Report(List<Result> results, String listingError) {
    public Report {
      results = List.copyOf(results);
    }

    /** Groups with {@code action}. */
    public long count(Action action) {
      return results.stream().filter(r -> r.action() == action).count();
    }

    /** Whether every call succeeded. */
    public boolean ok() {
      return listingError == null && count(Action.FAILED) == 0;
    }
  }

  private final CloudWatchLogsClient client;
  private final Retry retry;

  public Subscriber(CloudWatchLogsClient client, Retry retry) {
    this.client = Objects.requireNonNull(client, "client");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  /**
   * Subscribes every matching group.
   *
   * @param request what to subscribe
   * @param onEach called with each group's result as soon as it is known
   * @throws InterruptedException when interrupted while backing off
   */
  public Report subscribe(Request request, Consumer<Result> onEach) throws InterruptedException {
    List<Result> results = new ArrayList<>();
    String token = null;
    do {
      DescribeLogGroupsResponse page;
      try {
        DescribeLogGroupsRequest describe =
            DescribeLogGroupsRequest.builder()
                .logGroupNamePrefix(request.logGroupPrefix())
                .nextToken(token)
                .build();
        page = retry.call(() -> client.describeLogGroups(describe));
      } catch (SdkException e) {
        return new Report(results, "DescribeLogGroups failed: " + message(e));
      }
      for (LogGroup group : page.logGroups()) {
        Result result = handle(group.logGroupName(), request);
        results.add(result);
        onEach.accept(result);
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    return new Report(results, null);
  }

  // The SDK's describeLogGroupsPaginator would hide the page loop, but also the retry around each
  // page call: a throttled page in the middle of an iteration could not be retried by itself.

  private Result handle(String logGroup, Request request) throws InterruptedException {
    List<SubscriptionFilter> existing = new ArrayList<>();
    try {
      String token = null;
      do {
        DescribeSubscriptionFiltersRequest describe =
            DescribeSubscriptionFiltersRequest.builder()
                .logGroupName(logGroup)
                .nextToken(token)
                .build();
        DescribeSubscriptionFiltersResponse page =
            retry.call(() -> client.describeSubscriptionFilters(describe));
        existing.addAll(page.subscriptionFilters());
        token = page.nextToken();
      } while (token != null && !token.isEmpty());
    } catch (SdkException e) {
      return new Result(logGroup, Action.FAILED, "DescribeSubscriptionFilters: " + message(e));
    }
    Result decision = decide(logGroup, existing, request);
    boolean write = decision.action() == Action.SUBSCRIBED || decision.action() == Action.UPDATED;
    if (!write || request.dryRun()) {
      return decision;
    }
    PutSubscriptionFilterRequest put =
        PutSubscriptionFilterRequest.builder()
            .logGroupName(logGroup)
            .filterName(request.filterName())
            .filterPattern(request.filterPattern())
            .destinationArn(request.destinationArn())
            .roleArn(request.roleArn())
            .distribution(request.distribution())
            .build();
    try {
      retry.call(() -> client.putSubscriptionFilter(put));
    } catch (SdkException e) {
      return new Result(logGroup, Action.FAILED, "PutSubscriptionFilter: " + message(e));
    }
    return decision;
  }

  /**
   * What to do with a group that has {@code existing} filters (pure).
   *
   * @return the action with its detail; SUBSCRIBED or UPDATED mean a PutSubscriptionFilter call
   */
  static Result decide(String logGroup, List<SubscriptionFilter> existing, Request request) {
    for (SubscriptionFilter f : existing) {
      if (!request.filterName().equals(f.filterName())) {
        continue;
      }
      if (!request.destinationArn().equals(f.destinationArn())) {
        return new Result(
            logGroup,
            Action.SKIPPED,
            "a filter named "
                + f.filterName()
                + " delivers to another destination ("
                + f.destinationArn()
                + "); delete it or choose another --filter-name");
      }
      List<String> changes = new ArrayList<>();
      String pattern = f.filterPattern() == null ? "" : f.filterPattern();
      if (!pattern.equals(request.filterPattern())) {
        changes.add("pattern \"" + pattern + "\" -> \"" + request.filterPattern() + "\"");
      }
      if (request.roleArn() != null && !request.roleArn().equals(f.roleArn())) {
        changes.add("role " + f.roleArn() + " -> " + request.roleArn());
      }
      if (request.distribution() != null
          && !request.distribution().equals(f.distributionAsString())) {
        changes.add("distribution " + f.distributionAsString() + " -> " + request.distribution());
      }
      return changes.isEmpty()
          ? new Result(logGroup, Action.ALREADY_SUBSCRIBED, "")
          : new Result(logGroup, Action.UPDATED, String.join(", ", changes));
    }
    if (existing.size() >= MAX_FILTERS_PER_GROUP) {
      List<String> names = existing.stream().map(SubscriptionFilter::filterName).toList();
      return new Result(
          logGroup,
          Action.SKIPPED,
          "already has "
              + existing.size()
              + " subscription filters "
              + names
              + ", the CloudWatch Logs limit per group");
    }
    return new Result(logGroup, Action.SUBSCRIBED, "");
  }

  static String message(SdkException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
