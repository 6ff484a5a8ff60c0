package io.traceline.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The memory figures Linux gives about this process in {@code /proc/self/status} ({@code VmRSS},
 * {@code VmHWM}, ...), in bytes. Empty on systems without it. Stateless.
 */
final class ProcStatus {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcStatus() {}

  /** Every {@code Name: <n> kB} line as name to bytes; empty when the file cannot be read. */
  static Map<String, Long> read() {
    Map<String, Long> values = new HashMap<>();
    if (!Files.isReadable(STATUS)) {
      return values;
    }
    try {
      for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
        int colon = line.indexOf(':');
        String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        if (colon > 0 && value.endsWith(" kb")) {
          try {
            long kb = Long.parseLong(value.substring(0, value.length() - 3).trim());
            values.put(line.substring(0, colon), kb * 1024);
          } catch (NumberFormatException notANumber) {
            // not a memory line
          }
        }
      }
    } catch (IOException e) {
      values.clear();
    }
    return values;
  }
}
