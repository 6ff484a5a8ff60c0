package io.traceline.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.app.TracelineRun;
import io.traceline.app.runtime.RuntimeSettings.LogFormat;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code runtime} section: its checks, and that every stage lists its problems with exit 2. */
@Timeout(30)
class RuntimeSettingsTest {

  @Test
  void everyInvalidValueIsListed() {
    RuntimeSettings broken = new RuntimeSettings(" ", 70000, null, Duration.ZERO, "LOUD", null);
    assertThat(broken.problems())
        .containsExactly(
            "adminHost must not be blank",
            "adminPort must be between 0 and 65535, was 70000",
            "shutdownTimeout must be positive, was PT0S",
            "logLevel must be one of TRACE, DEBUG, INFO, WARN, ERROR, was LOUD",
            "logFormat must be json or text");
    assertThat(RuntimeSettings.defaults(9402).problems()).isEmpty();
    assertThat(
            new RuntimeSettings("0.0.0.0", 0, "x", Duration.ofSeconds(1), "debug", LogFormat.TEXT)
                .problems())
        .as("levels in any case")
        .isEmpty();
  }

  @Test
  void theInstanceIsConfiguredElseTheHostname() {
    RuntimeSettings named =
        new RuntimeSettings("0.0.0.0", 1, "sink-a", Duration.ofSeconds(1), "INFO", LogFormat.JSON);
    assertThat(named.instanceName(Map.of("HOSTNAME", "pod-1"))).isEqualTo("sink-a");
    assertThat(RuntimeSettings.defaults(1).instanceName(Map.of("HOSTNAME", "pod-1")))
        .isEqualTo("pod-1");
    assertThat(RuntimeSettings.defaults(1).instanceName(Map.of())).isNotBlank();
  }

  @Test
  void eachStageRejectsABrokenRuntimeSectionWithEveryProblemAndExitTwo() {
    for (String stage : new String[] {"ingest", "correlate", "sink", "serve"}) {
      TracelineRun cli = new TracelineRun();
      int code =
          cli.run(
              stage,
              "--admin-port",
              "-1",
              "--log-level",
              "chatty",
              "--log-format",
              "xml",
              "--check-config");
      assertThat(code).as(stage).isEqualTo(2);
      assertThat(cli.err())
          .as(stage)
          .contains(
              "runtime.adminPort must be between 0 and 65535, was -1 (from flag --admin-port)")
          .contains("runtime.logLevel must be one of TRACE, DEBUG, INFO, WARN, ERROR, was chatty")
          .contains("runtime.logFormat")
          .contains("--log-format");
    }
  }
}
