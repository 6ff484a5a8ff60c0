package io.traceline.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end on a real embedded broker: the workload's CloudWatch payloads go through
 * decode, parse, Kafka and the correlator, and the printed output shows what was injected.
 */
@Timeout(240)
class DemoIT {

  @TempDir Path dataDir;

  @Test
  void printsTimelinesAcrossAllFourServicesAndMarksTheInjectedSlowHop() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    DemoPipeline.Options options =
        new DemoPipeline.Options(30, 7, Duration.ofSeconds(4), dataDir, 60, false, null);
    try (DemoPipeline pipeline = DemoPipeline.start(options, out)) {
      long end = System.currentTimeMillis() + 25_000;
      while (System.currentTimeMillis() < end) {
        pipeline.step(System.currentTimeMillis());
      }
      pipeline.finish();
    }
    String text = buffer.toString(StandardCharsets.UTF_8);
    Files.writeString(Path.of("target", "demo-it-output.txt"), text, StandardCharsets.UTF_8);

    List<String> charts = Arrays.asList(text.split("\\n\\s*\\n"));
    assertThat(charts)
        .as("a Gantt chart with a bar for each of the four services, the database marked")
        .anySatisfy(
            chart -> {
              // one bar per service and operation: "service [operation] |bar|"
              assertThat(chart).containsPattern("(?m)^shop-api-prod( [^|]+)? +\\|");
              assertThat(chart).containsPattern("(?m)^checkout-api( [^|]+)? +\\|");
              assertThat(chart).containsPattern("(?m)^inventory-svc( [^|]+)? +\\|");
              assertThat(chart)
                  .containsPattern("(?m)^shop-db( [^|]+)? +\\|[ .=#]*#[ .=#]*\\|.*<-- bottleneck");
            });

    Matcher slow =
        Pattern.compile(
                "slow queries +(\\d+) -> +(\\d+) flagged SLOW_QUERY; shop-db is the bottleneck in"
                    + " (\\d+) of the (\\d+) with no other fault")
            .matcher(text);
    assertThat(slow.find()).as("summary line for slow queries in:%n%s", text).isTrue();
    int injected = Integer.parseInt(slow.group(1));
    assertThat(injected).isPositive();
    assertThat(Integer.parseInt(slow.group(2))).isEqualTo(injected);
    assertThat(Integer.parseInt(slow.group(4))).isPositive();
    assertThat(Integer.parseInt(slow.group(3))).isEqualTo(Integer.parseInt(slow.group(4)));

    Matcher timeouts =
        Pattern.compile("third-party timeouts +(\\d+) -> +(\\d+) flagged TIMEOUT").matcher(text);
    assertThat(timeouts.find()).isTrue();
    assertThat(Integer.parseInt(timeouts.group(2))).isEqualTo(Integer.parseInt(timeouts.group(1)));

    Matcher totals =
        Pattern.compile("== (\\d+) requests generated, (\\d+) traces received").matcher(text);
    assertThat(totals.find()).isTrue();
    assertThat(Integer.parseInt(totals.group(2)))
        .isGreaterThanOrEqualTo(Integer.parseInt(totals.group(1)));
  }
}
