package io.traceline.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChildReportTest {

  @Test
  void aReportSurvivesItsLine() {
    ChildReport report = new ChildReport(1, 2, 3, 4, 5, 6, 7, "RUNNING");

    assertThat(report.toLine())
        .isEqualTo(
            "report heapUsed=1 heapCommitted=2 heapMax=3 rss=4 peakRss=5 eventsStored=6"
                + " timelines=7 state=RUNNING");
    assertThat(ChildReport.parse(report.toLine())).isEqualTo(report);
  }

  @Test
  void thisProcessHasAHeapAndOnLinuxAResidentSet() {
    ChildReport report = ChildReport.measure(0, 0, "RUNNING");

    assertThat(report.heapUsed()).isPositive();
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
