package io.traceline.ingest.aws;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Builds the AWS clients of ingest: CloudWatch Logs (subscribe, backfill) and Kinesis (the shard
 * reader). The SDK's own retries are off, because {@link Retry} and the shard reader decide
 * (otherwise every throttled call would be retried by both, multiplying the attempts). The caller
 * owns and closes a client.
 */
public final class AwsClients {

  private AwsClients() {}

  /**
   * A CloudWatch Logs client.
   *
   * @param region the region, or null for the SDK's default chain (AWS_REGION, profile, ...)
   * @param endpoint an endpoint override (a VPC endpoint, a local server), or null
   * @param credentials credentials, or null for the SDK's default chain
   */
  public static CloudWatchLogsClient cloudWatchLogs(
      String region, URI endpoint, AwsCredentialsProvider credentials) {
    return configure(CloudWatchLogsClient.builder(), region, endpoint, credentials).build();
  }

  /**
   * A Kinesis client. Against kinesalite, set the system property {@code aws.cborEnabled=false}
   * before the first client is built.
   *
   * @param region the region, or null for the SDK's default chain (AWS_REGION, profile, ...)
   * @param endpoint an endpoint override (a VPC endpoint, kinesalite), or null
   * @param credentials credentials, or null for the SDK's default chain
   */
  public static KinesisClient kinesis(
      String region, URI endpoint, AwsCredentialsProvider credentials) {
    return configure(KinesisClient.builder(), region, endpoint, credentials).build();
  }

  private static <B extends AwsClientBuilder<B, ?>> B configure(
      B builder, String region, URI endpoint, AwsCredentialsProvider credentials) {
    builder.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (region != null) {
      builder.region(Region.of(region));
    }
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (credentials != null) {
      builder.credentialsProvider(credentials);
    }
    return builder;
  }
}
