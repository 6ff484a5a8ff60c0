package io.traceline.ingest.cloudwatch;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClientBuilder;

/**
 * Builds the {@link CloudWatchLogsClient} that {@link Subscriber} and {@link Backfill} use: the
 * SDK's own retries are off, because {@link Retry} decides (otherwise every throttled call would be
 * retried by both, multiplying the attempts). The caller owns and closes the client.
 */
public final class CloudWatchLogsClients {

  private CloudWatchLogsClients() {}

  /**
   * A client.
   *
   * @param region the region, or null for the SDK's default chain (AWS_REGION, profile, ...)
   * @param endpoint an endpoint override (a VPC endpoint, a local server), or null
   * @param credentials credentials, or null for the SDK's default chain
   */
  public static CloudWatchLogsClient create(
      String region, URI endpoint, AwsCredentialsProvider credentials) {
    CloudWatchLogsClientBuilder builder =
        CloudWatchLogsClient.builder()
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (region != null) {
      builder.region(Region.of(region));
    }
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (credentials != null) {
      builder.credentialsProvider(credentials);
    }
    return builder.build();
  }
}
