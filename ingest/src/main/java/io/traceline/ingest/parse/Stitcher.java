package io.traceline.ingest.parse;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * Provenance is kept in the attributes {@code requestIdFrom} and {@code traceFrom}. Events that
 * still have no trace stay unkeyed (cross-message stitching happens later). Pure.
 */
final class Stitcher {

  static final String TRACE_FROM = "traceFrom";
  static final String REQUEST_ID_FROM = "requestIdFrom";

  private Stitcher() {}

  static List<LogEvent> stitch(List<LogEvent> events) {
    if (events.size() < 2) {
      return events;
    }
    List<LogEvent> out = new ArrayList<>(events);
    inferRequestIds(out);
    Map<String, LogEvent> traceByRequest = new HashMap<>();
    for (LogEvent e : out) {
      if (e.traceId() != null && e.requestId() != null) {
        LogEvent known = traceByRequest.get(e.requestId());
        if (known == null || (!isPlatform(known) && isPlatform(e))) {
          traceByRequest.put(e.requestId(), e);
        }
      }
    }
    if (traceByRequest.isEmpty()) {
      return out;
    }
    for (int i = 0; i < out.size(); i++) {
      LogEvent e = out.get(i);
      if (e.traceId() == null && e.requestId() != null) {
        LogEvent source = traceByRequest.get(e.requestId());
        if (source != null) {
          out.set(
              i,
              e.toBuilder()
                  .trace(source.traceId(), source.traceIdFormat())
                  .attribute(TRACE_FROM, "requestId")
                  .build());
        }
      }
    }
    return out;
  }

  private static void inferRequestIds(List<LogEvent> events) {
    List<Integer> pendingInit = new ArrayList<>();
    boolean inInit = false;
    String current = null;
    for (int i = 0; i < events.size(); i++) {
      LogEvent e = events.get(i);
      switch (e.kind()) {
        case LAMBDA_INIT -> {
          if (e.requestId() == null) {
            if (!inInit) {
              pendingInit.clear();
            }
            inInit = true;
            current = null;
            pendingInit.add(i);
          }
        }
        case LAMBDA_START -> {
          if (e.requestId() != null) {
            for (int index : pendingInit) {
              events.set(index, withRequestId(events.get(index), e.requestId(), "next-start"));
            }
            pendingInit.clear();
            inInit = false;
            current = e.requestId();
          }
        }
        case LAMBDA_END, LAMBDA_REPORT -> {
          current = null;
          inInit = false;
          pendingInit.clear();
        }
        default -> {
          if (e.requestId() == null && e.traceId() == null && e.kind() == EventKind.APP) {
            if (current != null) {
              events.set(i, withRequestId(e, current, "invocation"));
            } else if (inInit) {
              pendingInit.add(i);
            }
          }
        }
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
