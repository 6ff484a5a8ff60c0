package io.traceline.app.config;

import java.util.List;
import java.util.Objects;

/**
 * A loaded, valid configuration: the bound record, what {@code --print-config} and {@code
 * --check-config} print, and the warnings of the load. Immutable.
 *
 * @param value the bound record
 * @param yaml the effective configuration as YAML, secrets masked
 * @param origins one line per value: {@code key = value (where it came from)}, secrets masked; the
 *     source is {@code default}, {@code file <path>}, {@code env <VARIABLE>} or {@code flag
 *     <--flag>}
 * @param warnings environment variables that look like configuration but set nothing
 * @param <T> the record type
 */
public record EffectiveConfig<T>(
    T value, String yaml, List<String> origins, List<String> warnings) {

  public EffectiveConfig {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(yaml, "yaml");
    origins = List.copyOf(origins);
    warnings = List.copyOf(warnings);
  }
}
