package io.traceline.ingest.cloudwatch;

import io.traceline.ingest.Outcome;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.Source;
import io.traceline.ingest.aws.Retry;
import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.ingest.publish.EventPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * Reads a past time window of log groups with FilterLogEvents and sends it down the live path: each
 * page's events, grouped by log stream into {@code DATA_MESSAGE}s, go through {@link
 * RecordProcessor#processDecoded} (parse, normalise, stitch within the message) and {@link
 * EventPublisher} into {@code traceline.events} / {@code traceline.unkeyed} / {@code
 * traceline.dlq}.
 *
 * <p>Resumable and at-least-once: after a page's sends are all acknowledged ({@link
 * EventPublisher.Publication#await} = 0) the token of the next page is written to the state file
 * atomically; a later run with the same groups, window and pattern continues from there. A crash
 * between the acknowledgement and the write re-sends that one page: duplicates with the same event
 * ids, which the correlator drops. A state file of another backfill is refused ({@link
 * StateMismatchException}) unless {@link Request#restart} starts over.
 *
 * <p>The window is {@code [startTime, endTime)}: FilterLogEvents' end is inclusive, so {@code
 * endTime - 1} is asked for. Groups are read one after another, each page through {@link Retry}. A
 * FilterLogEvents token is only valid with the same request parameters and expires (after 24 h on
 * AWS): resume soon.
 *
 * <p>Does not own the client, the processor or the publisher. Not thread-safe (one run at a time).
 */
public final class Backfill {

  /** Subscription filter name put in the messages it builds (their origin). */
  public static final String ORIGIN = "traceline-backfill";

  /**
   * What to read.
   *
   * @param logGroups the groups, read in this order (duplicates removed)
   * @param startTime start of the window, epoch ms, inclusive
   * @param endTime end of the window, epoch ms, exclusive
   * @param filterPattern a CloudWatch filter pattern, {@code ""} for every event
   * @param stateFile where progress is kept, or null (not resumable)
   * @param restart ignore (and replace) an existing state file
   */
  public record Request(
      List<String> logGroups,
      long startTime,
      long endTime,
      String filterPattern,
      Path stateFile,
      boolean restart) {
    public Request {
      logGroups = List.copyOf(new LinkedHashSet<>(logGroups));
      filterPattern = filterPattern == null ? "" : filterPattern;
      if (logGroups.isEmpty()) {
        throw new IllegalArgumentException("no log group");
      }
      if (endTime <= startTime) {
        throw new IllegalArgumentException("the window is empty: end <= start");
      }
    }
  }

  /**
   * One group's result in this run.
   *
   * @param logGroup the group
   * @param pages pages published in this run
   * @param events events read in this run
   * @param keyed events sent to {@code traceline.events}
   * @param unkeyed events sent to {@code traceline.unkeyed}
   * @param deadLetters dead letters sent to {@code traceline.dlq}
   * @param resumed whether this run continued from a saved token
   * @param complete whether every page of the window is now published (in any run)
   */
  public record GroupReport(
      String logGroup,
      long pages,
      long events,
      long keyed,
      long unkeyed,
      long deadLetters,
      boolean resumed,
      boolean complete) {}

  /**
   * A run.
   *
   * @param groups one per requested group (those not reached have zero pages)
   * @param failure why the run stopped early, or null when every group is complete
   */
  public record Report(List<GroupReport> groups, String failure) {
    public Report {
      groups = List.copyOf(groups);
    }

    public boolean ok() {
      return failure == null;
    }
  }

  /** A state file that belongs to another backfill (other groups, window or pattern). */
  public static final class StateMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StateMismatchException(String message) {
      super(message);
    }
  }

  private final CloudWatchLogsClient client;
  private final Retry retry;
  private final RecordProcessor processor;
  private final EventPublisher publisher;

  public Backfill(
      CloudWatchLogsClient client,
      Retry retry,
      RecordProcessor processor,
      EventPublisher publisher) {
    this.client = Objects.requireNonNull(client, "client");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.processor = Objects.requireNonNull(processor, "processor");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
  }

  /**
   * Reads and publishes the window, resuming from the state file when it matches.
   *
   * @param progress one line per published page, for a human
   * @throws StateMismatchException when the state file is of another backfill (and no restart)
   * @throws IllegalArgumentException when the state file is not one
   * @throws InterruptedException when interrupted while backing off or awaiting Kafka
   */
  public Report run(Request request, Consumer<String> progress) throws InterruptedException {
    BackfillState state = initialState(request);
    List<GroupReport> reports = new ArrayList<>();
    String failure = null;
    for (String group : request.logGroups()) {
      if (failure != null) {
        BackfillState.Progress p = state.of(group);
        reports.add(new GroupReport(group, 0, 0, 0, 0, 0, p.nextToken() != null, p.complete()));
        continue;
      }
      GroupRun run = new GroupRun(group, state.of(group).nextToken() != null, state);
      if (state.of(group).complete()) {
        progress.accept(group + ": complete in the state file, skipped");
      } else {
        failure = readGroup(request, run, progress);
      }
      state = run.state;
      reports.add(run.report(state.of(group).complete()));
    }
    return new Report(reports, failure);
  }

  private BackfillState initialState(Request request) {
    Path file = request.stateFile();
    if (file == null || request.restart() || !Files.exists(file)) {
      return BackfillState.start(request);
    }
    BackfillState saved = BackfillState.read(file);
    List<String> mismatches = saved.mismatches(request);
    if (!mismatches.isEmpty()) {
      throw new StateMismatchException(
          "the state file "
              + file
              + " belongs to another backfill: "
              + String.join("; ", mismatches)
              + ". Run the same backfill again to resume it, use another --state-file, or"
              + " --restart to start over.");
    }
    return saved;
  }

  /** Reads one group page by page; returns why it stopped early, or null. */
  private String readGroup(Request request, GroupRun run, Consumer<String> progress)
      throws InterruptedException {
    String token = run.state.of(run.group).nextToken();
    while (true) {
      FilterLogEventsRequest filter =
          FilterLogEventsRequest.builder()
              .logGroupName(run.group)
              .startTime(request.startTime())
              .endTime(request.endTime() - 1) // the API's end is inclusive; ours is not
              .filterPattern(request.filterPattern().isEmpty() ? null : request.filterPattern())
              .nextToken(token)
              .build();
      FilterLogEventsResponse page;
      try {
        page = retry.call(() -> client.filterLogEvents(filter));
      } catch (SdkException e) {
        return run.group
            + ": FilterLogEvents failed on page "
            + (run.state.of(run.group).pages() + 1)
            + ": "
            + Subscriber.message(e);
      }
      long pageNo = run.state.of(run.group).pages() + 1;
      List<EventPublisher.Publication> publications = new ArrayList<>();
      long keyed = 0;
      long unkeyed = 0;
      long dead = 0;
      for (SubscriptionMessage message : toMessages(run.group, page.events())) {
        Outcome outcome =
            processor.processDecoded(
                message,
                new Source(
                    "cloudwatch-logs:" + run.group + ":" + message.logStream(),
                    null,
                    "page " + pageNo));
        keyed += outcome.keyed().size();
        unkeyed += outcome.unkeyed().size();
        dead += outcome.deadLetters().size();
        publications.add(publisher.publish(outcome));
      }
      int failed = 0;
      for (EventPublisher.Publication p : publications) {
        failed += p.await();
      }
      if (failed > 0) {
        return run.group
            + ": "
            + failed
            + " sends to Kafka failed on page "
            + pageNo
            + "; the state stays at the previous page";
      }
      String next = page.nextToken();
      run.add(page.events().size(), keyed, unkeyed, dead);
      run.state = run.state.advance(run.group, next, page.events().size());
      if (request.stateFile() != null) {
        run.state.write(request.stateFile());
      }
      progress.accept(
          String.format(
              java.util.Locale.ROOT,
              "%s page %d: %d events (%d keyed, %d unkeyed, %d dead letters)",
              run.group,
              pageNo,
              page.events().size(),
              keyed,
              unkeyed,
              dead));
      if (next == null || next.isEmpty()) {
        return null;
      }
      token = next;
    }
  }

  /**
   * One page's events as subscription messages, one per log stream in order of first appearance,
   * each stream's events in page order (pure).
   */
  static List<SubscriptionMessage> toMessages(String logGroup, List<FilteredLogEvent> events) {
    Map<String, List<CloudWatchEvent>> byStream = new LinkedHashMap<>();
    for (FilteredLogEvent e : events) {
      String stream = e.logStreamName() == null ? "" : e.logStreamName();
      byStream
          .computeIfAbsent(stream, s -> new ArrayList<>())
          .add(
              new CloudWatchEvent(
                  e.eventId(), e.timestamp() == null ? 0 : e.timestamp(), e.message()));
    }
    List<SubscriptionMessage> out = new ArrayList<>(byStream.size());
    byStream.forEach(
        (stream, list) ->
            out.add(
                new SubscriptionMessage(
                    SubscriptionMessage.DATA_MESSAGE,
                    "",
                    logGroup,
                    stream,
                    List.of(ORIGIN),
                    list)));
    return out;
  }

  /** Counts of one group in this run; never shared. */
  private static final class GroupRun {
    final String group;
    final boolean resumed;
    BackfillState state;
    long pages;
    long events;
    long keyed;
    long unkeyed;
    long deadLetters;

    GroupRun(String group, boolean resumed, BackfillState state) {
      this.group = group;
      this.resumed = resumed;
      this.state = state;
    }

    void add(long events, long keyed, long unkeyed, long deadLetters) {
      this.pages++;
      this.events += events;
      this.keyed += keyed;
      this.unkeyed += unkeyed;
      this.deadLetters += deadLetters;
    }

    GroupReport report(boolean complete) {
      return new GroupReport(group, pages, events, keyed, unkeyed, deadLetters, resumed, complete);
    }
  }
}
