package io.traceline.app.replay;

import io.traceline.ingest.DeadLetter;
import io.traceline.ingest.Outcome;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** Counts of one replay, reported on stderr at the end. Not thread-safe. */
final class ReplayStats {

  private static final int DETAILS_SHOWN = 10;

  long records;
  long controlMessages;
  long keyedEvents;
  long unkeyedEvents;
  long emissions;
  long rejectedByCorrelator;
  long stitchedByCorrelator;
  int traces;
  private final Map<String, Long> badByReason = new TreeMap<>();
  private final StringBuilder details = new StringBuilder();
  private int detailsShown;

  void add(Outcome outcome) {
    records++;
    controlMessages += outcome.controlMessages();
    keyedEvents += outcome.keyed().size();
    unkeyedEvents += outcome.unkeyed().size();
    for (DeadLetter d : outcome.deadLetters()) {
      bad(d.reason(), d.source().source() + " " + d.source().sequence() + ": " + d.detail());
    }
  }

  void bad(String reason, String detail) {
    badByReason.merge(reason, 1L, Long::sum);
    if (detailsShown++ < DETAILS_SHOWN) {
      details.append("  bad record (").append(reason).append(") ").append(detail).append('\n');
    }
  }

  long badRecords() {
    return badByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  void report(PrintWriter err) {
    err.print(details);
    err.printf(
        java.util.Locale.ROOT,
        "replay: %d records, %d control messages skipped, %d bad; events: %d keyed, %d without a"
            + " trace id in their record (%d of them keyed by the correlator's request"
            + " stitching); %d timelines for %d traces%n",
        records,
        controlMessages,
        badRecords(),
        keyedEvents,
        unkeyedEvents,
        stitchedByCorrelator,
        emissions,
        traces);
    if (rejectedByCorrelator > 0) {
      err.println(
          "replay: "
              + rejectedByCorrelator
              + " records routed to the DLQ by the correlator (too-late events, unassemblable"
              + " traces)");
    }
    if (!badByReason.isEmpty()) {
      err.println("replay: bad records by reason: " + badByReason);
    }
    err.flush();
  }
}
