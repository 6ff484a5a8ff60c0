package io.traceline.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The executable's contract: --help everywhere, exit codes 0 / 1 / 2. */
@Timeout(30)
class TracelineTest {

  private final TracelineRun cli = new TracelineRun();

  @ParameterizedTest
  @ValueSource(strings = {"", "demo", "replay", "correlate"})
  void everyCommandHasHelp(String command) {
    int code = command.isEmpty() ? cli.run("--help") : cli.run(command, "--help");
    assertThat(code).isZero();
    assertThat(cli.out()).contains("Usage: traceline");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(cli.run()).isEqualTo(2);
    assertThat(cli.err()).contains("a command is required");
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageError() {
    assertThat(cli.run("correlate-everything")).isEqualTo(2);
    assertThat(cli.run("demo", "--no-such-option")).isEqualTo(2);
  }

  @Test
  void badDemoOptionsAreAllListedInOneMessage() {
    int code = cli.run("demo", "--rate", "0", "--gap", "10ms", "--width", "5", "--duration", "0s");
    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .contains("--rate must be in (0, 1000]")
        .contains("--gap must be between")
        .contains("--width must be between")
        .contains("--duration must be positive");
  }

  @Test
  void anUnreadableDurationIsAUsageError() {
    assertThat(cli.run("demo", "--duration", "soon")).isEqualTo(2);
    assertThat(cli.err()).contains("is not a duration");
  }

  @Test
  void versionIsPrinted() {
    assertThat(cli.run("--version")).isZero();
    assertThat(cli.out()).startsWith("traceline ");
  }
}
