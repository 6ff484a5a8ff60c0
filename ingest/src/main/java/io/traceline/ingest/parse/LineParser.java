package io.traceline.ingest.parse;

import io.traceline.ingest.decode.SubscriptionMessage;
import io.traceline.ingest.decode.SubscriptionMessage.CloudWatchEvent;
import io.traceline.model.LogEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one CloudWatch log event into a normalised {@link LogEvent}: the entry point of the
 * parsers. Recognises Lambda platform and app lines (text and JSON log formats), structured JSON
 * app logs (Powertools, OTel, ECS FireLens), API Gateway access logs, span records (Zipkin v2 and
 * OpenTelemetry JSON, as in {@code aws/spans}: {@code SPAN} events), RDS PostgreSQL and MySQL
 * slow-query logs, and plain text carrying a trace id; anything else becomes an {@code APP} event
 * without a trace id. Never throws on bad text: parsing is best effort and pure.
 *
 * <p>The service is the Lambda function for {@code /aws/lambda/<fn>} groups (a {@code service}
 * field of the record goes to attribute {@value #APP_SERVICE}), else the record's own service field
 * or ECS task-definition family, else derived from the log group.
 *
 * <p>Stateless and thread-safe; one instance can serve every shard.
 */
public final class LineParser {

  /** Attribute holding a Lambda record's own {@code service} field (Powertools). */
  public static final String APP_SERVICE = "appService";

  /**
   * Attribute set to {@code true} on the event of a Zipkin {@code shared} span: the SERVER half
   * that reuses its CLIENT's span id (both halves are events of their own; {@link
   * io.traceline.model.LogEvent#SPAN_KIND} tells them apart).
   */
  public static final String SHARED_SPAN = "sharedSpan";

  /**
   * Attribute on an ordinary event parsed from a span record that is no {@code SPAN}: why ({@code
   * no-span-id}, {@code no-start}, {@code no-end}, {@code bad-time} for times that are no integers,
   * {@code bad-start} for a start too far from CloudWatch's timestamp to be used).
   */
  public static final String INCOMPLETE_SPAN = "incompleteSpan";

  /**
   * The source of the previous {@link #parse(String, String, CloudWatchEvent, long)} call: the
   * events of one message share their group and stream, so it is classified once, not per event. A
   * cache only: racy on purpose (no lock, no volatile), which is safe because a {@link LogSource}
   * is immutable (final fields), and a stale or missed entry is just recomputed.
   */
  private LogSource lastSource;

  /** A parser; it holds no state (but a cache of the last log source). */
  public LineParser() {}

  /**
   * Parses one event.
   *
   * @param logGroup the event's log group
   * @param logStream the event's log stream
   * @param event the CloudWatch event; its id must not be blank (the dedupe key)
   * @param ingestedAt when the event was read, epoch ms
   * @return the event; never null
   * @throws IllegalArgumentException when {@code event.id()} is blank
   */
  public LogEvent parse(String logGroup, String logStream, CloudWatchEvent event, long ingestedAt) {
    return parse(source(logGroup, logStream), event, ingestedAt);
  }

  private LogSource source(String logGroup, String logStream) {
    LogSource last = lastSource;
    if (last != null && last.logGroup().equals(logGroup) && last.logStream().equals(logStream)) {
      return last;
    }
    LogSource source = LogSource.of(logGroup, logStream);
    lastSource = source;
    return source;
  }

  /**
   * Parses every event of a data message and stitches them (see {@link #stitch}).
   *
   * @throws IllegalArgumentException when an event id is blank
   */
  public List<LogEvent> parseMessage(SubscriptionMessage message, long ingestedAt) {
    LogSource source = LogSource.of(message.logGroup(), message.logStream());
    List<LogEvent> events = new ArrayList<>(message.logEvents().size());
    for (CloudWatchEvent event : message.logEvents()) {
      events.add(parse(source, event, ingestedAt));
    }
    return stitch(events);
  }

  /**
   * Within-message stitching: events of ONE subscription message (one log stream), in message
   * order, that carry only a Lambda request id get the trace id of another event with the same
   * request id; INIT lines get the request id of the START that follows them. Returns a new list;
   * events already keyed are unchanged.
   */
  public static List<LogEvent> stitch(List<LogEvent> eventsOfOneMessage) {
    return Stitcher.stitch(eventsOfOneMessage);
  }

  LogEvent parse(LogSource source, CloudWatchEvent event, long ingestedAt) {
    String line = stripTrailingNewlines(event.message());
    Fields fields = new Fields();
    if (!line.isEmpty()) {
      dispatch(source, line, fields);
    }
    return fields.build(source, event, line, ingestedAt);
  }

  private static void dispatch(LogSource source, String line, Fields f) {
    int first = 0;
    while (first < line.length() && Character.isWhitespace(line.charAt(first))) {
      first++;
    }
    if (first == line.length()) {
      return;
    }
    if (line.charAt(first) == '{') {
      if (JsonLineParser.parse(source, first == 0 ? line : line.substring(first), f)) {
        return;
      }
      f.attribute("invalidJson", "true");
      TextScan.scanPlain(line, f);
      return;
    }
    if (LambdaTextParser.parsePlatform(line, f)) {
      return;
    }
    if (RdsParser.looksLikePostgres(line) && RdsParser.parsePostgres(line, f)) {
      return;
    }
    if (RdsParser.looksLikeMysqlSlowQuery(line)) {
      RdsParser.parseMysqlSlowQuery(line, f);
      return;
    }
    if (LambdaTextParser.parseAppLine(line, f)) {
      return;
    }
    if (source.type() == LogSource.Type.APIGATEWAY_EXECUTION && line.charAt(0) == '(') {
      int close = line.indexOf(") ");
      if (close > 1) {
        f.requestId(line.substring(1, close));
      }
    }
    TextScan.scanPlain(line, f);
  }

  /** The line without its trailing newline(s) ({@code \n}, {@code \r\n}, legacy {@code \n\n}). */
  static String stripTrailingNewlines(String message) {
    int end = message.length();
    while (end > 0 && (message.charAt(end - 1) == '\n' || message.charAt(end - 1) == '\r')) {
      end--;
    }
    return end == message.length() ? message : message.substring(0, end);
  }
}
