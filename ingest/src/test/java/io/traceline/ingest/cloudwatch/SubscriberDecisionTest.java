package io.traceline.ingest.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.ingest.cloudwatch.Subscriber.Action;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.cloudwatchlogs.model.SubscriptionFilter;

/** {@link Subscriber#decide}: what to do with a group, given its filters (pure). */
@Timeout(10)
class SubscriberDecisionTest {

  private static final String DEST = "arn:aws:kinesis:us-east-1:123456789012:stream/logs";
  private static final String ROLE = "arn:aws:iam::123456789012:role/cwl-to-kinesis";
  private static final Subscriber.Request REQUEST =
      new Subscriber.Request("/aws/", "traceline", "", DEST, ROLE, "Random", false);

  private static SubscriptionFilter filter(
      String name, String dest, String pattern, String role, String distribution) {
    return SubscriptionFilter.builder()
        .filterName(name)
        .destinationArn(dest)
        .filterPattern(pattern)
        .roleArn(role)
        .distribution(distribution)
        .build();
  }

  private static Subscriber.Result decide(SubscriptionFilter... existing) {
    return Subscriber.decide("/aws/lambda/a", List.of(existing), REQUEST);
  }

  @Test
  void noFiltersSubscribes() {
    assertThat(decide().action()).isEqualTo(Action.SUBSCRIBED);
  }

  @Test
  void oneForeignFilterStillLeavesRoom() {
    assertThat(decide(filter("other", "arn:x", "", null, "ByLogStream")).action())
        .isEqualTo(Action.SUBSCRIBED);
  }

  @Test
  void ourIdenticalFilterIsLeftAlone() {
    assertThat(decide(filter("traceline", DEST, "", ROLE, "Random")).action())
        .isEqualTo(Action.ALREADY_SUBSCRIBED);
  }

  @Test
  void ourFilterWithAnotherPatternIsUpdated() {
    Subscriber.Result r = decide(filter("traceline", DEST, "ERROR", ROLE, "Random"));
    assertThat(r.action()).isEqualTo(Action.UPDATED);
    assertThat(r.detail()).isEqualTo("pattern \"ERROR\" -> \"\"");
  }

  @Test
  void ourFilterWithAnotherDistributionOrRoleIsUpdated() {
    assertThat(decide(filter("traceline", DEST, "", ROLE, "ByLogStream")).detail())
        .isEqualTo("distribution ByLogStream -> Random");
    assertThat(decide(filter("traceline", DEST, "", "arn:old", "Random")).detail())
        .isEqualTo("role arn:old -> " + ROLE);
  }

  @Test
  void ourNameToAnotherDestinationIsSkipped() {
    Subscriber.Result r = decide(filter("traceline", "arn:elsewhere", "", ROLE, "Random"));
    assertThat(r.action()).isEqualTo(Action.SKIPPED);
    assertThat(r.detail()).contains("arn:elsewhere");
  }

  @Test
  void twoForeignFiltersAreTheLimit() {
    Subscriber.Result r =
        decide(filter("a", "arn:a", "", null, null), filter("b", "arn:b", "", null, null));
    assertThat(r.action()).isEqualTo(Action.SKIPPED);
    assertThat(r.detail()).contains("[a, b]").contains("limit");
  }

  @Test
  void ourFilterAmongTwoIsStillRecognised() {
    assertThat(
            decide(
                    filter("a", "arn:a", "", null, null),
                    filter("traceline", DEST, "", ROLE, "Random"))
                .action())
        .isEqualTo(Action.ALREADY_SUBSCRIBED);
  }
}
