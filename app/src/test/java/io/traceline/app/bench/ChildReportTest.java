package io.traceline.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChildReportTest {

  @Test
  void aReportSurvivesItsLine() {
    ChildReport report = new ChildReport(1, 2, 3, 4, 5, 6, 7, 8, "RUNNING");

    assertThat(report.toLine())
        .isEqualTo(
            "report heapUsed=1 heapCommitted=2 heapMax=3 rss=4 peakRss=5 jvmCommitted=6"
                + " eventsStored=7 timelines=8 state=RUNNING");
    assertThat(ChildReport.parse(report.toLine())).isEqualTo(report);
  }

  @Test
  void thisProcessHasAHeapAndOnLinuxAResidentSet() {
    ChildReport report = ChildReport.measure(0, 0, "RUNNING");

    assertThat(report.heapUsed()).isPositive();
    boolean tracking =
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking=") && !a.endsWith("=off"));
    assertThat(report.jvmCommitted() > 0).as("Native Memory Tracking on").isEqualTo(tracking);
    assertThat(report.heapMax()).isGreaterThanOrEqualTo(report.heapCommitted());
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(report.rss()).isGreaterThan(report.heapUsed() / 2);
      assertThat(report.peakRss()).isGreaterThanOrEqualTo(report.rss());
    }
  }

  @Test
  void otherLinesAreNotReports() {
    assertThatThrownBy(() -> ChildReport.parse("ready"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChildReport.parse("report heapUsed=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heapCommitted");
    assertThatThrownBy(() -> ChildReport.parse("report heapUsed=x heapCommitted=1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
