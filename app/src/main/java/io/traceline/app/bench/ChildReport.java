package io.traceline.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What the correlator's child process says about itself, on one line of its stdout: {@code report
 * heapUsed=... heapCommitted=... ...} (bytes, counts). {@link #measure} takes the figures in the
 * child; {@link #parse} reads the line in the parent. Immutable.
 *
 * @param heapUsed heap in use (after a full GC when the parent asked for one)
 * @param heapCommitted heap the JVM has reserved from the OS
 * @param heapMax the heap's cap ({@code -Xmx})
 * @param rss resident set size of the process ({@code VmRSS}), or -1 where the OS does not say
 * @param peakRss the largest resident set size so far ({@code VmHWM}), or -1
 * @param jvmCommitted the memory the JVM itself has committed (heap, metaspace, threads, code, GC
 *     structures: Native Memory Tracking's total), or -1 without {@code -XX:NativeMemoryTracking};
 *     memory that native libraries such as RocksDB allocate is not in it
 * @param eventsStored events the correlator stored ({@code traceline.correlator.events{new}})
 * @param timelines timelines it emitted, every status
 * @param state the Kafka Streams state, or {@code FAILED} when a stream thread died
 */
record ChildReport(
    long heapUsed,
    long heapCommitted,
    long heapMax,
    long rss,
    long peakRss,
    long jvmCommitted,
    long eventsStored,
    long timelines,
    String state) {

  /** The first word of a report line. */
  static final String PREFIX = "report";

  private static final Pattern NMT_TOTAL =
      Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");

  ChildReport {
    if (state == null || state.isBlank() || state.contains(" ")) {
      throw new IllegalArgumentException("state must be one word, was '" + state + "'");
    }
  }

  /** This process's figures now, with the correlator's counters and state as given. */
  static ChildReport measure(long eventsStored, long timelines, String state) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    Map<String, Long> status = ProcStatus.read();
    return new ChildReport(
        heap.getUsed(),
        heap.getCommitted(),
        heap.getMax(),
        status.getOrDefault("VmRSS", -1L),
        status.getOrDefault("VmHWM", -1L),
        nativeMemoryTrackingCommitted(),
        eventsStored,
        timelines,
        state);
  }

  /** The line the child prints. */
  String toLine() {
    return String.format(
        Locale.ROOT,
        "%s heapUsed=%d heapCommitted=%d heapMax=%d rss=%d peakRss=%d jvmCommitted=%d"
            + " eventsStored=%d timelines=%d state=%s",
        PREFIX,
        heapUsed,
        heapCommitted,
        heapMax,
        rss,
        peakRss,
        jvmCommitted,
        eventsStored,
        timelines,
        state);
  }

  /**
   * Reads a line printed by {@link #toLine}.
   *
   * @throws IllegalArgumentException when it is not a report or lacks a field
   */
  static ChildReport parse(String line) {
    String[] words = line.trim().split(" ", -1);
    if (words.length == 0 || !words[0].equals(PREFIX)) {
      throw new IllegalArgumentException("not a report: " + line);
    }
    Map<String, String> fields = new HashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq > 0) {
        fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
      }
    }
    try {
      return new ChildReport(
          number(fields, "heapUsed"),
          number(fields, "heapCommitted"),
          number(fields, "heapMax"),
          number(fields, "rss"),
          number(fields, "peakRss"),
          number(fields, "jvmCommitted"),
          number(fields, "eventsStored"),
          number(fields, "timelines"),
          fields.getOrDefault("state", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a report: " + line, e);
    }
  }

  /**
   * Native Memory Tracking's committed total ({@code VM.native_memory summary}), in bytes; -1 when
   * tracking is off or the JVM cannot say.
   */
  private static long nativeMemoryTrackingCommitted() {
    String summary;
    try {
      summary =
          String.valueOf(
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "vmNativeMemory",
                      new Object[] {new String[] {"summary"}},
                      new String[] {String[].class.getName()}));
    } catch (JMException | RuntimeException e) {
      return -1;
    }
    Matcher total = NMT_TOTAL.matcher(summary);
    return total.find() ? Long.parseLong(total.group(1)) * 1024 : -1;
  }

  private static long number(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("a report without " + name);
    }
    return Long.parseLong(value);
  }
}
