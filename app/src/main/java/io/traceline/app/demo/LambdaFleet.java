package io.traceline.app.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The execution environments of the checkout function. A request reuses an idle environment (a warm
 * start) unless a cold start is injected or every environment is busy; a new environment is a new
 * log stream and a cold start. The pool stays small: beyond {@code maxEnvironments} the least
 * recently used idle environment is retired. Not thread-safe.
 */
final class LambdaFleet {

  /** One execution environment: one log stream. */
  static final class Environment {
    private final String logStream;
    private long busyUntil;
    private long lastUsed;
    private int invocations;
    private int memoryUsedMb;

    Environment(String logStream, int memoryUsedMb) {
      this.logStream = logStream;
      this.memoryUsedMb = memoryUsedMb;
    }

    String logStream() {
      return logStream;
    }

    /** Whether the next invocation is this environment's first, i.e. a cold start. */
    boolean isNew() {
      return invocations == 0;
    }

    int memoryUsedMb() {
      return memoryUsedMb;
    }
  }

  private final Dice dice;
  private final int maxEnvironments;
  private final List<Environment> environments = new ArrayList<>();

  /**
   * Starts with {@code warm} environments that already served requests before the run began.
   *
   * @param startEpochMs when the run begins (dates the streams)
   */
  LambdaFleet(Dice dice, int warm, int maxEnvironments, long startEpochMs) {
    this.dice = dice;
    this.maxEnvironments = maxEnvironments;
    for (int i = 0; i < warm; i++) {
      Environment environment = create(startEpochMs);
      environment.invocations = (int) dice.between(20, 400);
      environments.add(environment);
    }
  }

  /**
   * The environment that serves an invocation at {@code invokeAt}.
   *
   * @param forceCold an injected cold start: always a new environment
   */
  Environment acquire(long invokeAt, boolean forceCold) {
    Environment chosen = null;
    if (!forceCold) {
      for (Environment environment : environments) {
        if (environment.busyUntil <= invokeAt
            && (chosen == null || environment.lastUsed > chosen.lastUsed)) {
          chosen = environment;
        }
      }
    }
    if (chosen == null) {
      retireIdle(invokeAt);
      chosen = create(invokeAt);
      environments.add(chosen);
    }
    chosen.busyUntil = Long.MAX_VALUE;
    return chosen;
  }

  /** Marks the invocation that {@link #acquire} returned as finished at {@code end}. */
  void release(Environment environment, long end) {
    environment.busyUntil = end + 1;
    environment.lastUsed = end;
    environment.invocations++;
    if (environment.memoryUsedMb < 160 && dice.chance(0.2)) {
      environment.memoryUsedMb++;
    }
  }

  int size() {
    return environments.size();
  }

  private Environment create(long epochMs) {
    String stream = TimeFormats.streamDate(epochMs) + "/[$LATEST]" + dice.hex(32);
    return new Environment(stream, (int) dice.between(72, 96));
  }

  private void retireIdle(long now) {
    if (environments.size() < maxEnvironments) {
      return;
    }
    Environment oldest = null;
    for (Environment environment : environments) {
      if (environment.busyUntil <= now
          && (oldest == null || environment.lastUsed < oldest.lastUsed)) {
        oldest = environment;
      }
    }
    if (oldest != null) {
      environments.remove(oldest);
    }
  }
}
