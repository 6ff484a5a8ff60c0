package io.traceline.app.bench;

import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines every benchmark report starts with: the JVM and its collectors, the processors, the
 * heap and its flag, the load average at the start (the machine may be shared). Stateless.
 */
final class MachineInfo {

  private MachineInfo() {}

  /**
   * Prints the {@code jvm}, {@code machine} and {@code heap} lines.
   *
   * @param threads what the benchmark runs on the machine's processors, e.g. "1 thread measured"
   */
  static void print(PrintWriter out, String threads) {
    Runtime rt = Runtime.getRuntime();
    out.printf(
        Locale.ROOT,
        "  jvm        %s %s (%s); gc: %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"),
        System.getProperty("java.vm.vendor"),
        collectors());
    out.printf(
        Locale.ROOT,
        "  machine    %d available processors; %s%n",
        rt.availableProcessors(),
        threads);
    out.printf(Locale.ROOT, "  heap       max %,d MiB (%s)%n", rt.maxMemory() >> 20, heapFlag());
  }

  /**
   * Prints the {@code load} line: the system load average of the last minute, at the {@code when}
   * of the run ("start", "end"), so that a reader sees whether the machine was shared.
   */
  static void printLoad(PrintWriter out, String when) {
    out.printf(Locale.ROOT, "  load       %s (1-minute average at the %s)%n", loadAverage(), when);
  }

  /** The system load average of the last minute, "n/a" where the platform does not say. */
  private static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
  }

  private static String collectors() {
    List<String> names = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      names.add(gc.getName());
    }
    return String.join(", ", names);
  }

  private static String heapFlag() {
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-Xmx") || arg.startsWith("-XX:MaxHeapSize")) {
        return arg;
      }
    }
    return "no -Xmx: the JVM's default";
  }
}
