package io.traceline.app.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The values a command's own flags give, by configuration key; the highest-precedence source. A
 * command adds every flag it maps onto the configuration, given or not: a null value means "not
 * given" (the file, the environment or the default decides) and still tells error messages which
 * flag sets the key.
 *
 * <pre>{@code
 * FlagOverrides flags =
 *     new FlagOverrides()
 *         .put("kafka.bootstrapServers", "--bootstrap-servers", bootstrapServers)
 *         .put("correlator.inactivityGap", "--gap", gap)
 *         .put("kafka.properties", "--kafka-property", kafkaProperties);
 * }</pre>
 *
 * <p>Values are what picocli produced ({@code String}, {@code Duration}, {@code Path}, an enum, a
 * number); a {@code Map} on a pass-through map adds or replaces entries, keeping the others. An
 * empty map counts as not given. Mutable, not thread-safe: build it in the command's thread.
 */
public final class FlagOverrides {

  /** One flag: the dotted key it sets, its name for messages, its value or null. */
  record Flag(String key, String flag, Object value) {
    Flag {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(flag, "flag");
    }
  }

  private final List<Flag> flags = new ArrayList<>();

  /** No flags. */
  public FlagOverrides() {}

  /**
   * Maps a flag onto a key.
   *
   * @param key dotted configuration key, as in the file ({@code kafka.bootstrapServers})
   * @param flag the flag's name as typed ({@code --bootstrap-servers})
   * @param value the flag's value, or null when it was not given
   * @return this
   */
  public FlagOverrides put(String key, String flag, Object value) {
    flags.add(new Flag(key, flag, value));
    return this;
  }

  List<Flag> flags() {
    return List.copyOf(flags);
  }
}
