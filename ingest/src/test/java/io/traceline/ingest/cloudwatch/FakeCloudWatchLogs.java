package io.traceline.ingest.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.traceline.ingest.aws.AwsClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * A local protocol server for the four CloudWatch Logs operations Traceline uses, speaking the
 * service's real wire protocol (awsJson1.1: {@code POST /}, {@code X-Amz-Target:
 * Logs_20140328.<Operation>}, JSON bodies, errors as HTTP 400 with {@code __type}), so the real SDK
 * client is tested end to end. In memory: log groups, subscription filters, events.
 *
 * <p>Operations: DescribeLogGroups ({@code logGroupNamePrefix}), DescribeSubscriptionFilters,
 * PutSubscriptionFilter (same name replaces; a third filter is {@code LimitExceededException}),
 * FilterLogEvents ({@code startTime} and {@code endTime} both inclusive, as documented; events
 * interleaved across streams by timestamp; a filter pattern is matched as a plain substring, the
 * real pattern language is not implemented). Pages hold {@link #pageSize} items. Faults can be
 * injected per operation ({@link #fail}). Binds 127.0.0.1 on an ephemeral port. Thread-safe.
 */
final class FakeCloudWatchLogs implements AutoCloseable {

  static final String TARGET_PREFIX = "Logs_20140328.";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpServer server;
  private final Map<String, Group> groups = new TreeMap<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private int pageSize = 3;
  private long sequence;

  /** An injected fault; mutable counters, guarded by the server's lock. */
  private static final class Fault {
    final String operation;
    final String errorType;
    int skip;
    int remaining;

    Fault(String operation, int skip, String errorType, int remaining) {
      this.operation = operation;
      this.skip = skip;
      this.errorType = errorType;
      this.remaining = remaining;
    }
  }

  record Event(String stream, long timestamp, String message, String id) {}

  private static final class Group {
    final Map<String, ObjectNode> filters = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();
  }

  private FakeCloudWatchLogs(HttpServer server) {
    this.server = server;
  }

  static FakeCloudWatchLogs start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeCloudWatchLogs fake = new FakeCloudWatchLogs(server);
    server.createContext("/", fake::handle);
    server.start();
    return fake;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The real SDK client pointed at this server, as the app builds it. */
  CloudWatchLogsClient client() {
    return AwsClients.cloudWatchLogs(
        "us-east-1",
        endpoint(),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "not-a-secret")));
  }

  @Override
  public void close() {
    server.stop(0);
  }

  synchronized void reset() {
    groups.clear();
    faults.clear();
    calls.clear();
    pageSize = 3;
  }

  synchronized void pageSize(int size) {
    this.pageSize = size;
  }

  synchronized void createLogGroup(String name) {
    groups.computeIfAbsent(name, n -> new Group());
  }

  /** A filter put by someone else. */
  synchronized void putFilter(String group, String name, String destination, String pattern) {
    ObjectNode f = MAPPER.createObjectNode();
    f.put("filterName", name);
    f.put("logGroupName", group);
    f.put("filterPattern", pattern);
    f.put("destinationArn", destination);
    f.put("distribution", "ByLogStream");
    f.put("creationTime", 1L);
    groups.get(group).filters.put(name, f);
  }

  /** The group's filters as the service stores them. */
  synchronized List<JsonNode> filters(String group) {
    return List.copyOf(groups.get(group).filters.values());
  }

  /** Adds an event; returns its id (a CloudWatch-style decimal string: timestamp << 144 | seq). */
  synchronized String putEvent(String group, String stream, long timestamp, String message) {
    String id =
        BigInteger.valueOf(timestamp).shiftLeft(144).or(BigInteger.valueOf(++sequence)).toString();
    groups.get(group).events.add(new Event(stream, timestamp, message, id));
    return id;
  }

  /**
   * Makes calls of {@code operation} fail: after {@code skip} more successful calls, the next
   * {@code times} calls answer {@code errorType} (HTTP 400).
   */
  synchronized void fail(String operation, int skip, String errorType, int times) {
    faults.add(new Fault(operation, skip, errorType, times));
  }

  /** Calls of {@code operation} received, failed ones included. */
  synchronized int calls(String operation) {
    return calls.getOrDefault(operation, 0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (!"POST".equals(exchange.getRequestMethod())
          || target == null
          || !target.startsWith(TARGET_PREFIX)) {
        respond(exchange, 400, error("UnknownOperationException", "no X-Amz-Target"));
        return;
      }
      String operation = target.substring(TARGET_PREFIX.length());
      JsonNode request = MAPPER.readTree(body);
      ObjectNode response;
      synchronized (this) {
        calls.merge(operation, 1, Integer::sum);
        String fault = fault(operation);
        if (fault != null) {
          respond(exchange, 400, error(fault, message(fault)));
          return;
        }
        try {
          response = dispatch(operation, request);
        } catch (ServiceError e) {
          respond(exchange, 400, error(e.type, e.getMessage()));
          return;
        }
      }
      respond(exchange, 200, response);
    }
  }

  private String fault(String operation) {
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (!f.operation.equals(operation)) {
        continue;
      }
      if (f.skip > 0) {
        f.skip--;
        return null;
      }
      f.remaining--;
      if (f.remaining <= 0) {
        it.remove();
      }
      return f.errorType;
    }
    return null;
  }

  private static String message(String type) {
    return switch (type) {
      case "ThrottlingException" -> "Rate exceeded";
      case "LimitExceededException" -> "Resource limit exceeded.";
      case "AccessDeniedException" -> "User is not authorized to perform this operation";
      default -> type;
    };
  }

  private ObjectNode dispatch(String operation, JsonNode request) {
    return switch (operation) {
      case "DescribeLogGroups" -> describeLogGroups(request);
      case "DescribeSubscriptionFilters" -> describeSubscriptionFilters(request);
      case "PutSubscriptionFilter" -> putSubscriptionFilter(request);
      case "FilterLogEvents" -> filterLogEvents(request);
      default -> throw new ServiceError("UnknownOperationException", operation);
    };
  }

  private ObjectNode describeLogGroups(JsonNode request) {
    String prefix = request.path("logGroupNamePrefix").asText("");
    List<String> names =
        groups.keySet().stream().filter(n -> n.startsWith(prefix)).sorted().toList();
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode array = out.putArray("logGroups");
    int from = offset(request);
    for (String name : page(names, from)) {
      ObjectNode g = array.addObject();
      g.put("logGroupName", name);
      g.put("arn", "arn:aws:logs:us-east-1:123456789012:log-group:" + name + ":*");
      g.put("creationTime", 1L);
      g.put("storedBytes", 0L);
    }
    next(out, from, names.size());
    return out;
  }

  private ObjectNode describeSubscriptionFilters(JsonNode request) {
    Group group = group(request);
    List<ObjectNode> all = new ArrayList<>(group.filters.values());
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode array = out.putArray("subscriptionFilters");
    int from = offset(request);
    page(all, from).forEach(array::add);
    next(out, from, all.size());
    return out;
  }

  private ObjectNode putSubscriptionFilter(JsonNode request) {
    Group group = group(request);
    String name = request.path("filterName").asText();
    if (!group.filters.containsKey(name) && group.filters.size() >= 2) {
      throw new ServiceError("LimitExceededException", "Resource limit exceeded.");
    }
    ObjectNode f = MAPPER.createObjectNode();
    f.put("filterName", name);
    f.put("logGroupName", request.path("logGroupName").asText());
    f.put("filterPattern", request.path("filterPattern").asText(""));
    f.put("destinationArn", request.path("destinationArn").asText());
    if (request.hasNonNull("roleArn")) {
      f.put("roleArn", request.path("roleArn").asText());
    }
    f.put("distribution", request.path("distribution").asText("ByLogStream"));
    f.put("creationTime", 2L);
    group.filters.put(name, f);
    return MAPPER.createObjectNode();
  }

  private ObjectNode filterLogEvents(JsonNode request) {
    Group group = group(request);
    long start = request.path("startTime").asLong(Long.MIN_VALUE);
    long end = request.hasNonNull("endTime") ? request.path("endTime").asLong() : Long.MAX_VALUE;
    String pattern = request.path("filterPattern").asText("").replace("\"", "").trim();
    List<Event> matching =
        group.events.stream()
            .filter(e -> e.timestamp() >= start && e.timestamp() <= end)
            .filter(e -> pattern.isEmpty() || e.message().contains(pattern))
            .sorted(Comparator.comparingLong(Event::timestamp))
            .toList();
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode array = out.putArray("events");
    int from = offset(request);
    for (Event e : page(matching, from)) {
      ObjectNode n = array.addObject();
      n.put("logStreamName", e.stream());
      n.put("timestamp", e.timestamp());
      n.put("message", e.message());
      n.put("ingestionTime", e.timestamp() + 1000);
      n.put("eventId", e.id());
    }
    out.putArray("searchedLogStreams");
    next(out, from, matching.size());
    return out;
  }

  private Group group(JsonNode request) {
    Group group = groups.get(request.path("logGroupName").asText());
    if (group == null) {
      throw new ServiceError(
          "ResourceNotFoundException", "The specified log group does not exist.");
    }
    return group;
  }

  private static int offset(JsonNode request) {
    String token = request.path("nextToken").asText("");
    if (token.isEmpty()) {
      return 0;
    }
    if (!token.startsWith("page-")) {
      throw new ServiceError("InvalidParameterException", "The specified nextToken is invalid.");
    }
    return Integer.parseInt(token.substring("page-".length()));
  }

  private <T> List<T> page(List<T> all, int from) {
    return all.subList(Math.min(from, all.size()), Math.min(from + pageSize, all.size()));
  }

  private void next(ObjectNode out, int from, int total) {
    if (from + pageSize < total) {
      out.put("nextToken", "page-" + (from + pageSize));
    }
  }

  private static ObjectNode error(String type, String message) {
    ObjectNode e = MAPPER.createObjectNode();
    e.put("__type", type);
    e.put("message", message);
    return e;
  }

  private static void respond(HttpExchange exchange, int status, ObjectNode body)
      throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().set("x-amzn-RequestId", "fake-" + System.nanoTime());
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A service error answered as HTTP 400 with {@code __type}. */
  private static final class ServiceError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String type;

    ServiceError(String type, String message) {
      super(message);
      this.type = type;
    }
  }
}
