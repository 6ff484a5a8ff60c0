package io.traceline.app.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.traceline.app.cli.DurationConverter;
import io.traceline.app.cli.KafkaLogging;
import io.traceline.app.correlate.CorrelatorService;
import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.rocksdb.RocksDbMemorySettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The entry point of the child JVM of {@code traceline bench open-traces}: runs the correlator as
 * production runs it ({@link CorrelatorService}) in a JVM of its own, so that its heap cap ({@code
 * -Xmx}) and its memory figures are the correlator's alone. Not a {@code traceline} command.
 *
 * <p>Protocol, one line each way: it prints {@code ready} once the correlator is RUNNING (or {@code
 * failed <why>} and exits 1); then it reads commands on stdin: {@code stats} prints a {@link
 * ChildReport} line, {@code gc} runs a full GC ({@link System#gc()}) first, {@code stop} or the end
 * of stdin (the parent closed it, or died) closes the correlator and exits. A shutdown hook closes
 * the correlator when the process is terminated. Its log goes to stderr.
 */
@Command(name = "correlator-child", description = "The correlator of bench open-traces.")
final class CorrelatorChild implements Callable<Integer> {

  static final String READY = "ready";
  static final String FAILED = "failed";
  static final String STATS = "stats";
  static final String GC = "gc";
  static final String STOP = "stop";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  @Option(names = "--bootstrap-servers", required = true)
  String bootstrapServers;

  @Option(names = "--application-id", required = true)
  String applicationId;

  @Option(names = "--state-dir", required = true)
  Path stateDir;

  @Option(names = "--gap", required = true, converter = DurationConverter.class)
  Duration gap;

  @Option(names = "--close-check", required = true, converter = DurationConverter.class)
  Duration closeCheck;

  @Option(names = "--guarantee", required = true)
  String guarantee;

  @Option(names = "--threads", required = true)
  int threads;

  @Option(names = "--rocksdb-memory", required = true)
  long rocksdbMemory;

  private final PrintStream out = System.out;
  private final MeterRegistry registry = new SimpleMeterRegistry();

  /**
   * Runs the child; exits with 0 after a clean stop, 1 when the correlator failed, 2 on bad args.
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new CorrelatorChild()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    KafkaLogging.errorsOnly();
    RocksDbMemorySettings d = RocksDbMemorySettings.defaults();
    Map<String, Object> overrides =
        new HashMap<>(
            new RocksDbMemorySettings(rocksdbMemory, d.writeBufferRatio(), d.indexFilterRatio())
                .streamsProperties());
    overrides.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    overrides.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    CorrelatorService service =
        new CorrelatorService(
            bootstrapServers,
            applicationId,
            stateDir,
            CorrelatorSettings.builder().inactivityGap(gap).closeCheckInterval(closeCheck).build(),
            overrides,
            registry);
    Closer closer = new Closer(service);
    Thread hook = new Thread(closer, "correlator-child-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      service.start();
      String failure = awaitRunning(service);
      if (failure != null) {
        reply(FAILED + " " + failure);
        return 1;
      }
      reply(READY);
      serve(service);
    } finally {
      closer.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // terminated: the hook is running and closes the correlator
      }
    }
    return service.failure() == null ? 0 : 1;
  }

  /** Null once the correlator is RUNNING, else why it is not. */
  private static String awaitRunning(CorrelatorService service) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (service.state() != KafkaStreams.State.RUNNING) {
      if (service.failure() != null) {
        return String.valueOf(service.failure());
      }
      if (System.nanoTime() - deadline > 0) {
        return "not RUNNING after " + START_TIMEOUT.toSeconds() + " s (" + service.state() + ")";
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    return null;
  }

  /** Answers the parent's commands until {@code stop} or the end of stdin. */
  private void serve(CorrelatorService service) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String command = line.trim();
      if (command.equals(STOP)) {
        return;
      }
      if (command.equals(GC)) {
        System.gc();
      }
      if (command.equals(GC) || command.equals(STATS)) {
        String state = service.failure() == null ? service.state().name() : "FAILED";
        reply(
            ChildReport.measure(
                    count("traceline.correlator.events", "new"),
                    count("traceline.correlator.timelines", null),
                    state)
                .toLine());
      } else {
        reply(FAILED + " unknown command '" + command + "'");
      }
    }
  }

  private long count(String name, String outcome) {
    return outcome == null
        ? BenchMeters.sum(registry, name)
        : BenchMeters.sum(registry, name, outcome);
  }

  private void reply(String line) {
    out.println(line);
    out.flush();
  }

  /**
   * Closes the correlator once, from the main thread or the shutdown hook; a second caller waits
   * until the first has closed it.
   */
  private static final class Closer implements Runnable {
    private final CorrelatorService service;
    private boolean closed;

    Closer(CorrelatorService service) {
      this.service = service;
    }

    @Override
    public synchronized void run() {
      if (!closed) {
        closed = true;
        service.close(CLOSE_TIMEOUT);
      }
    }
  }
}
