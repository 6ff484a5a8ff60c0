package io.traceline.app.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.traceline.app.cli.InstantConverter;
import io.traceline.app.config.FlagOverrides;
import io.traceline.app.runtime.Health;
import io.traceline.app.runtime.StageCommand;
import io.traceline.app.runtime.StageRuntime;
import io.traceline.ingest.RecordProcessor;
import io.traceline.ingest.aws.AwsClients;
import io.traceline.ingest.kinesis.IngestFencedException;
import io.traceline.ingest.kinesis.KinesisIngest;
import io.traceline.ingest.kinesis.StartPosition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code traceline ingest}: reads the Kinesis stream that CloudWatch Logs subscription filters
 * write to and moves every record into Kafka exactly once ({@link KinesisIngest}). Runs until
 * SIGTERM or SIGINT, then finishes the transaction in flight and exits 0; exits 1 when it fails on
 * its own (e.g. fenced by a replacement), 2 for a bad configuration.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Reads a Kinesis stream fed by CloudWatch Logs subscription filters and writes the parsed",
      "events to traceline.events / traceline.unkeyed / traceline.dlq, with each shard's",
      "checkpoint in the same Kafka transaction. Stops cleanly on SIGTERM.",
      "Start N instances with --instance-count N and indexes 0..N-1 to split the shards."
    })
public final class IngestCommand extends StageCommand<IngestConfig> {

  private static final Logger LOG = LoggerFactory.getLogger(IngestCommand.class);
  private static final Duration STATUS_INTERVAL = Duration.ofMinutes(1);

  @Option(
      names = "--bootstrap-servers",
      description = "The Kafka cluster (kafka.bootstrapServers).")
  String bootstrapServers;

  @Option(names = "--stream", description = "The Kinesis stream's name (kinesis.stream).")
  String stream;

  @Option(names = "--region", description = "The stream's AWS region (aws.region).")
  String region;

  @Option(
      names = "--endpoint",
      description = "A Kinesis endpoint override, e.g. kinesalite (aws.endpoint).")
  String endpoint;

  @Option(
      names = "--start-position",
      description =
          "Where a shard without a checkpoint starts: TRIM_HORIZON, LATEST or AT_TIMESTAMP"
              + " (kinesis.startPosition; default TRIM_HORIZON).")
  StartPosition startPosition;

  @Option(
      names = "--start-timestamp",
      converter = InstantConverter.class,
      description = "With AT_TIMESTAMP: ISO-8601 or epoch ms (kinesis.startTimestamp).")
  Instant startTimestamp;

  @Option(
      names = "--instance-index",
      description = "This instance's index, 0..count-1 (kinesis.instanceIndex; default 0).")
  Integer instanceIndex;

  @Option(
      names = "--instance-count",
      description = "How many instances share the stream (kinesis.instanceCount; default 1).")
  Integer instanceCount;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description =
          "A raw Kafka client property (security, tuning); repeatable (kafka.properties).")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  /** Reads the process's environment. */
  public IngestCommand() {
    this(System.getenv());
  }

  /** Reads {@code environment} instead of the process's (tests, embedding). */
  IngestCommand(Map<String, String> environment) {
    super("ingest", IngestConfig.class, environment);
  }

  @Override
  protected int run(IngestConfig settings, StageRuntime runtime) throws Exception {
    ExecutorService worker =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "traceline-ingest"));
    try (KinesisClient kinesis = kinesisClient(settings.aws())) {
      MeterRegistry registry = runtime.registry();
      KinesisIngest ingest =
          new KinesisIngest(
              settings.kinesis(),
              kinesis,
              settings.kafka().clientConfig(),
              new RecordProcessor(registry),
              registry,
              Clock.systemUTC());
      runtime.readiness(
          () ->
              ingest.ready()
                  ? Health.up("producer initialised, shards known")
                  : Health.down("initialising the producer or listing the shards"));
      Future<?> run =
          worker.submit(
              () -> {
                ingest.run();
                return null;
              });
      LOG.info(
          "ingesting Kinesis stream {} into {} as {}",
          settings.kinesis().stream(),
          settings.kafka().bootstrapServers(),
          settings.kinesis().transactionalId());
      IngestStatus status = new IngestStatus(registry);
      long nextStatus = System.nanoTime() + STATUS_INTERVAL.toNanos();
      while (!runtime.awaitStop(Duration.ofSeconds(1))) {
        if (run.isDone()) {
          return failed(run);
        }
        if (System.nanoTime() >= nextStatus) {
          LOG.info("{}", status.sinceLast());
          nextStatus += STATUS_INTERVAL.toNanos();
        }
      }
      LOG.info("stopping: finishing the transaction in flight");
      ingest.stop();
      try {
        run.get(runtime.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        LOG.error("ingest did not stop within {}", runtime.shutdownTimeout());
        return 1;
      } catch (ExecutionException e) {
        return failed(run);
      }
      return 0;
    } finally {
      worker.shutdownNow();
    }
  }

  private static int failed(Future<?> run) throws InterruptedException {
    try {
      run.get();
      LOG.error("ingest stopped on its own");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IngestFencedException fenced) {
        LOG.error(fenced.getMessage());
      } else {
        LOG.error("ingest failed", e.getCause());
      }
    }
    return 1;
  }

  private static KinesisClient kinesisClient(IngestConfig.Aws aws) {
    try {
      return AwsClients.kinesis(aws.region(), aws.endpoint(), null);
    } catch (SdkClientException e) {
      throw new io.traceline.app.UsageException(
          "cannot create the Kinesis client: "
              + e.getMessage()
              + " (set aws.region, --region or AWS_REGION)");
    }
  }

  @Override
  protected FlagOverrides flags() {
    return new FlagOverrides()
        .put("kafka.bootstrapServers", "--bootstrap-servers", bootstrapServers)
        .put("kafka.properties", "--kafka-property", kafkaProperties)
        .put("kinesis.stream", "--stream", stream)
        .put("aws.region", "--region", region)
        .put("aws.endpoint", "--endpoint", endpoint)
        .put("kinesis.startPosition", "--start-position", startPosition)
        .put("kinesis.startTimestamp", "--start-timestamp", startTimestamp)
        .put("kinesis.instanceIndex", "--instance-index", instanceIndex)
        .put("kinesis.instanceCount", "--instance-count", instanceCount);
  }
}
