package io.traceline.app.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code traceline bench}: the group of benchmark commands. Benchmarks report speed on this
 * machine; the test suite never asserts a speed figure. Stateless; picocli creates one per run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Throughput benchmarks of Traceline's stages on this machine, on a synthetic workload",
      "generated in-process (deterministic: fixed seed, simulated clock). See docs/benchmarks.md."
    },
    subcommands = {IngestBenchmark.class, CorrelatorBenchmark.class, OpenTracesBenchmark.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a benchmark is required (traceline bench ingest)");
  }
}
