package io.traceline.app.cloudwatch;

import io.traceline.app.UsageException;
import io.traceline.ingest.aws.AwsClients;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/** {@code --region} and {@code --endpoint}, shared by the CloudWatch Logs commands (a mixin). */
final class AwsOptions {

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "AWS region (default: the SDK's chain: AWS_REGION, profile, ...).")
  String region;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description = "CloudWatch Logs endpoint override (a VPC endpoint, a local server).")
  String endpoint;

  void validate(List<String> problems) {
    if (region != null && !REGION.matcher(region).matches()) {
      problems.add("--region " + region + " is not a region name (e.g. eu-west-1)");
    }
    if (endpoint != null) {
      try {
        URI uri = new URI(endpoint);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          problems.add("--endpoint " + endpoint + " is not an http(s) URL");
        }
      } catch (URISyntaxException e) {
        problems.add("--endpoint " + endpoint + " is not a URL");
      }
    }
  }

  /** The client (credentials from the SDK's default chain); the caller closes it. */
  CloudWatchLogsClient client() {
    try {
      return AwsClients.cloudWatchLogs(
          region, endpoint == null ? null : URI.create(endpoint), null);
    } catch (SdkClientException e) {
      throw new UsageException(
          "cannot create the CloudWatch Logs client: "
              + e.getMessage()
              + " (pass --region or set AWS_REGION)");
    }
  }
}
