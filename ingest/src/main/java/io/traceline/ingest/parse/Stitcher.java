package io.traceline.ingest.parse;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.RequestLink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Gives trace ids to the events of one subscription message that carry only a Lambda request id.
 * All events of one message share a log stream, and a Lambda log stream is one execution
 * environment that runs one invocation at a time, so within one message:
 *
 * <ol>
 *   <li>an {@code INIT_*} event (and request-less lines after it, written during init) belongs to
 *       the first {@code START} that follows it: it gets that START's request id;
 *   <li>a line without a request id between {@code START} and {@code END} of request R belongs to
 *       R;
 *   <li>an event without a trace id gets the trace id (and format) of another event of the message
 *       with the same request id: Powertools {@code function_request_id}, text app lines, the
 *       REPORT's {@code XRAY TraceId}, JSON platform {@code tracing}. Platform events win over app
 *       lines when they disagree.
 * </ol>
 *
 * <p>With a {@link RequestMemory} (one per reader) the same rules continue across the messages that
 * reader sees: a request id whose trace an earlier message named gets it ({@code
 * traceFrom=earlier-message}); request-less lines at the start of a message join the invocation an
 * earlier message left open ({@code requestIdFrom=earlier-message}) only when the same message then
 * ends that invocation (its END or REPORT, with no other START or END before): messages of a stream
 * may arrive out of order or through other readers, so an open invocation that the message does not
 * confirm may have ended already, and the lines stay unkeyed. A message that contradicts it
 * (another START or END first) marks the stream split; INIT lines at the end of a message are held
 * and emitted again keyed (the unkeyed copy already published is a duplicate by event id, which the
 * correlator drops) when the next message has the START that ended their init phase: the START of a
 * cold start whose REPORT (in that message, or remembered) gives the {@code Init Duration} that
 * puts the lines inside the phase ({@link RequestLink#isDuringInit}). Being the first START of the
 * next message proves nothing: the message with the right one may have gone to another shard or
 * come later, and the first START seen is then a later, warm invocation's.
 *
 * <p>{@link #stitch(List, RequestMemory, long)} also returns one {@link RequestLink} per request id
 * of the message whose trace is known (API Gateway access logs excepted: their request id is API
 * Gateway's own), for the correlator to finish what ingest cannot.
 *
 * <p>Provenance is kept in the attributes {@code requestIdFrom} ({@code next-start}, {@code
 * invocation}, {@code earlier-message}) and {@code traceFrom} ({@code requestId}, {@code
 * earlier-message}; the correlator adds {@code correlator}). Events that still have no trace stay
 * unkeyed. Pure without a memory; with one, not thread-safe (the memory is the caller's).
 */
public final class Stitcher {

  static final String TRACE_FROM = "traceFrom";
  static final String REQUEST_ID_FROM = "requestIdFrom";
  static final String EARLIER_MESSAGE = "earlier-message";

  private Stitcher() {}

  /**
   * The events of one message, stitched, and the request links it yields.
   *
   * @param events the events of the message (all of one log stream), in message order
   * @param links one per request id with a known trace, in order of first appearance
   * @param fromEarlierMessages events that got a request id or trace from the memory
   */
  public record Stitched(List<LogEvent> events, List<RequestLink> links, int fromEarlierMessages) {
    public Stitched {
      events = List.copyOf(events);
      links = List.copyOf(links);
    }
  }

  /** Within one message only (no memory); see the class comment. */
  static List<LogEvent> stitch(List<LogEvent> events) {
    if (events.size() < 2) {
      return events;
    }
    List<LogEvent> out = new ArrayList<>(events);
    new Inference(out, 0, null, false, Map.of()).run();
    giveTraces(out, traceSources(out), null, null, 0);
    return out;
  }

  /**
   * Stitches the events of one message, across messages when a memory is given, and derives the
   * message's request links.
   *
   * @param events the events of one message (one log stream), in message order
   * @param memory the reader's memory, or null for one message alone
   * @param now the message's ingestion time, epoch ms (the memory's clock; the links' {@code
   *     ingestedAt})
   */
  public static Stitched stitch(List<LogEvent> events, RequestMemory memory, long now) {
    if (events.isEmpty()) {
      return new Stitched(events, List.of(), 0);
    }
    if (memory == null) {
      List<LogEvent> out = stitch(events);
      return new Stitched(out, links(out, null, null, now), 0);
    }
    memory.expire(now);
    LogEvent first = events.get(0);
    String stream = RequestLink.streamKey(first.logGroup(), first.logStream());
    RequestMemory.StreamState state = memory.stream(stream, now);
    List<LogEvent> work = new ArrayList<>(events.size() + 1);
    int carried = 0;
    if (state != null) {
      work.addAll(state.heldInit);
      carried = state.heldInit.size();
    }
    work.addAll(events);
    boolean split = state != null && state.split;
    String open = state == null || split ? null : state.openRequestId;
    Inference inference =
        new Inference(work, carried, open, split, initPhases(work, carried, memory, stream, now));
    inference.run();
    int fromMemory = inference.fromEarlierMessage;
    fromMemory += giveTraces(work, traceSources(work), memory, stream, now);

    List<LogEvent> out = new ArrayList<>(work.size());
    for (int i = 0; i < work.size(); i++) {
      // Held INIT lines were published unkeyed with their own message: again only when now keyed.
      if (i >= carried || work.get(i).isKeyed()) {
        out.add(work.get(i));
      }
    }
    List<RequestLink> links = links(out, memory, stream, now);
    for (RequestLink link : links) {
      memory.learn(
          stream,
          link.requestId(),
          link.traceId(),
          link.traceIdFormat(),
          link.startTime(),
          link.initDurationMs(),
          now);
    }
    memory.stream(stream, inference.open, inference.split, held(work, inference), now);
    return new Stitched(out, links, fromMemory);
  }

  /**
   * Per request id, the {@code Init Duration} of its cold start, from the message's REPORTs or the
   * memory: what held INIT lines need to join a START. Empty when no lines are held.
   */
  private static Map<String, Double> initPhases(
      List<LogEvent> work, int carried, RequestMemory memory, String stream, long now) {
    if (carried == 0) {
      return Map.of();
    }
    Map<String, Double> phases = new HashMap<>();
    for (LogEvent e : work) {
      Double init = initDurationOf(e);
      if (init != null && e.requestId() != null) {
        phases.putIfAbsent(e.requestId(), init);
      }
    }
    for (LogEvent e : work) {
      if (e.kind() == EventKind.LAMBDA_START
          && e.requestId() != null
          && !phases.containsKey(e.requestId())) {
        RequestMemory.Known known = memory.trace(stream, e.requestId(), now);
        if (known != null && known.initDurationMs != null) {
          phases.put(e.requestId(), known.initDurationMs);
        }
      }
    }
    return phases;
  }

  /**
   * The {@code Init Duration} of a Lambda REPORT of a cold start (text or JSON format), or null:
   * other events, warm starts, SnapStart restores (no init phase in the stream), implausible
   * values.
   */
  static Double initDurationOf(LogEvent e) {
    if (e.kind() != EventKind.LAMBDA_REPORT) {
      return null;
    }
    String text = e.attributes().get(LogEvent.INIT_DURATION_MS);
    if (text == null) {
      return null;
    }
    try {
      double ms = Double.parseDouble(text);
      return ms >= 0 && ms <= RequestLink.MAX_INIT_DURATION_MS ? ms : null;
    } catch (NumberFormatException notANumber) {
      return null;
    }
  }

  /** The trailing INIT block, still unkeyed, bounded: the lines to carry into the next message. */
  private static List<LogEvent> held(List<LogEvent> work, Inference inference) {
    List<LogEvent> held = new ArrayList<>();
    if (!inference.inInit) {
      return held;
    }
    List<Integer> block = inference.pendingInit;
    for (int k = Math.max(0, block.size() - RequestMemory.MAX_HELD_INIT); k < block.size(); k++) {
      LogEvent e = work.get(block.get(k));
      if (!e.isKeyed() && e.message().length() <= RequestMemory.MAX_HELD_CHARS) {
        held.add(e);
      }
    }
    return held;
  }

  /** Per request id, the event whose trace the others take (platform events win). */
  private static Map<String, LogEvent> traceSources(List<LogEvent> events) {
    Map<String, LogEvent> traceByRequest = new HashMap<>();
    for (LogEvent e : events) {
      if (e.traceId() != null && e.requestId() != null) {
        LogEvent known = traceByRequest.get(e.requestId());
        if (known == null || (!isPlatform(known) && isPlatform(e))) {
          traceByRequest.put(e.requestId(), e);
        }
      }
    }
    return traceByRequest;
  }

  /** Gives traces in place; returns how many came from the memory. */
  private static int giveTraces(
      List<LogEvent> out,
      Map<String, LogEvent> traceByRequest,
      RequestMemory memory,
      String stream,
      long now) {
    if (traceByRequest.isEmpty() && memory == null) {
      return 0;
    }
    int fromMemory = 0;
    for (int i = 0; i < out.size(); i++) {
      LogEvent e = out.get(i);
      if (e.traceId() != null || e.requestId() == null) {
        continue;
      }
      LogEvent source = traceByRequest.get(e.requestId());
      if (source != null) {
        out.set(
            i,
            e.toBuilder()
                .trace(source.traceId(), source.traceIdFormat())
                .attribute(TRACE_FROM, "requestId")
                .build());
      } else if (memory != null && e.kind() != EventKind.ACCESS_LOG) {
        RequestMemory.Known known = memory.trace(stream, e.requestId(), now);
        if (known != null) {
          out.set(
              i,
              e.toBuilder()
                  .trace(known.traceId, known.format)
                  .attribute(TRACE_FROM, EARLIER_MESSAGE)
                  .build());
          fromMemory++;
        }
      }
    }
    return fromMemory;
  }

  /** One link per request id with a known trace (not for access logs), in order of appearance. */
  private static List<RequestLink> links(
      List<LogEvent> events, RequestMemory memory, String stream, long now) {
    Map<String, LinkFacts> byRequest = new LinkedHashMap<>();
    for (LogEvent e : events) {
      String requestId = e.requestId();
      if (requestId == null
          || requestId.isBlank()
          || e.kind() == EventKind.ACCESS_LOG
          || e.logGroup() == null
          || e.logStream() == null) {
        continue;
      }
      LinkFacts facts = byRequest.computeIfAbsent(requestId, r -> new LinkFacts(e));
      facts.timestamp = Math.max(facts.timestamp, e.timestamp());
      if (e.kind() == EventKind.LAMBDA_START && facts.startTime == null) {
        facts.startTime = e.timestamp();
      }
      if (facts.initDurationMs == null) {
        facts.initDurationMs = initDurationOf(e);
      }
      if (e.isKeyed() && (facts.trace == null || (!isPlatform(facts.trace) && isPlatform(e)))) {
        facts.trace = e;
      }
    }
    List<RequestLink> links = new ArrayList<>(byRequest.size());
    for (Map.Entry<String, LinkFacts> entry : byRequest.entrySet()) {
      LinkFacts facts = entry.getValue();
      if (facts.trace == null) {
        continue;
      }
      Long start = facts.startTime;
      Double init = facts.initDurationMs;
      if ((start == null || init == null) && memory != null) {
        RequestMemory.Known known = memory.trace(stream, entry.getKey(), now);
        if (known != null) {
          start = start != null ? start : known.startTime;
          init = init != null ? init : known.initDurationMs;
        }
      }
      links.add(
          new RequestLink(
              entry.getKey(),
              facts.trace.traceId(),
              facts.trace.traceIdFormat(),
              facts.first.logGroup(),
              facts.first.logStream(),
              start,
              init,
              facts.timestamp,
              now));
    }
    return links;
  }

  /** What one message says about one request id. */
  private static final class LinkFacts {
    final LogEvent first;
    LogEvent trace;
    Long startTime;
    Double initDurationMs;
    long timestamp;

    LinkFacts(LogEvent first) {
      this.first = first;
      this.timestamp = first.timestamp();
    }
  }

  /**
   * Request ids from the order of the platform lines, in place. Starts in the state an earlier
   * message left: {@code carried} held INIT lines at the front, which join a START only inside its
   * request's init phase ({@code initPhases}), or an open invocation that is only trusted until the
   * message contradicts it.
   */
  private static final class Inference {
    final List<LogEvent> events;
    final int carried;
    final Map<String, Double> initPhases;
    final List<Integer> pendingInit = new ArrayList<>();
    final List<Integer> tentative = new ArrayList<>();
    boolean inInit;
    boolean holdingCarried;
    String open;
    boolean unconfirmed;
    boolean split;
    int fromEarlierMessage;

    Inference(
        List<LogEvent> events,
        int carried,
        String open,
        boolean split,
        Map<String, Double> initPhases) {
      this.events = events;
      this.carried = carried;
      this.initPhases = initPhases;
      for (int i = 0; i < carried; i++) {
        pendingInit.add(i);
      }
      this.inInit = carried > 0;
      this.holdingCarried = carried > 0;
      this.open = open;
      this.unconfirmed = open != null;
      this.split = split;
    }

    void run() {
      for (int i = 0; i < events.size(); i++) {
        LogEvent e = events.get(i);
        switch (e.kind()) {
          case LAMBDA_INIT -> {
            if (e.requestId() == null) {
              contradicted();
              if (!inInit) {
                pendingInit.clear();
                holdingCarried = false;
              }
              inInit = true;
              open = null;
              pendingInit.add(i);
            }
          }
          case LAMBDA_START -> {
            if (e.requestId() != null) {
              contradicted();
              Double init = initPhases.get(e.requestId());
              for (int index : pendingInit) {
                LogEvent line = events.get(index);
                // Lines of this message precede the START with nothing between them; held ones
                // only fit when the START's init phase covers them.
                if (index >= carried
                    || (init != null
                        && RequestLink.isDuringInit(line.timestamp(), e.timestamp(), init))) {
                  events.set(index, withRequestId(line, e.requestId(), "next-start"));
                }
              }
              pendingInit.clear();
              holdingCarried = false;
              inInit = false;
              open = e.requestId();
            }
          }
          case LAMBDA_END, LAMBDA_REPORT -> {
            if (unconfirmed) {
              if (Objects.equals(open, e.requestId())) {
                confirmed();
              } else {
                contradicted();
              }
            } else if (holdingCarried) {
              split = true; // held INIT lines, then the END of a request whose START went elsewhere
            }
            holdingCarried = false;
            open = null;
            inInit = false;
            pendingInit.clear();
          }
          default -> {
            if (e.requestId() == null && e.traceId() == null && e.kind() == EventKind.APP) {
              if (unconfirmed) {
                tentative.add(i);
              } else if (open != null) {
                events.set(i, withRequestId(e, open, "invocation"));
              } else if (inInit) {
                pendingInit.add(i);
              }
            }
          }
        }
      }
      // Unconfirmed to the end: the invocation may have ended in a message that another reader
      // got (or that arrives later), and these lines may belong to the next one. A wrong join
      // would corrupt a timeline; an unkeyed line is only missing from one. They stay unkeyed.
      tentative.clear();
    }

    /** The open invocation from the memory is confirmed: the lines before join it. */
    private void confirmed() {
      for (int index : tentative) {
        events.set(index, withRequestId(events.get(index), open, EARLIER_MESSAGE));
        fromEarlierMessage++;
      }
      tentative.clear();
      unconfirmed = false;
    }

    /** The message contradicts the open invocation from the memory: another reader saw its end. */
    private void contradicted() {
      if (unconfirmed) {
        split = true;
        tentative.clear();
        unconfirmed = false;
      }
    }
  }

  private static LogEvent withRequestId(LogEvent e, String requestId, String how) {
    return e.toBuilder().requestId(requestId).attribute(REQUEST_ID_FROM, how).build();
  }

  private static boolean isPlatform(LogEvent e) {
    return switch (e.kind()) {
      case LAMBDA_INIT, LAMBDA_START, LAMBDA_END, LAMBDA_REPORT -> true;
      default -> false;
    };
  }
}
