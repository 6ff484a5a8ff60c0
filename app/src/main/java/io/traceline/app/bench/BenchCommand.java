package io.traceline.app.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code traceline bench}: the group of benchmark commands. Benchmarks report speed and memory on
 * this machine; the test suite never asserts such a figure. Stateless; picocli creates one per run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks of Traceline's stages on this machine, on a synthetic workload generated",
      "in-process with a fixed seed: ingest throughput (no Kafka), the correlator's throughput and",
      "its memory and emit latency with many open traces (an embedded Kafka broker), and the",
      "sink's indexing rate on the real OpenSearch.",
      "See docs/benchmarks.md."
    },
    subcommands = {
      IngestBenchmark.class,
      CorrelatorBenchmark.class,
      OpenTracesBenchmark.class,
      SinkBenchmark.class
    })
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a benchmark is required (traceline bench ingest|correlator|open-traces|sink)");
  }
}
