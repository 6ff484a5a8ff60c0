package io.traceline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The executable's contract: --help everywhere, exit codes 0 / 1 / 2. */
@Timeout(30)
class TracelineTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Traceline.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "demo", "replay"})
  void everyCommandHasHelp(String command) {
    int code = command.isEmpty() ? run("--help") : run(command, "--help");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("Usage: traceline");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("a command is required");
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageError() {
    assertThat(run("correlate-everything")).isEqualTo(2);
    assertThat(run("demo", "--no-such-option")).isEqualTo(2);
  }

  @Test
  void badDemoOptionsAreAllListedInOneMessage() {
    int code = run("demo", "--rate", "0", "--gap", "10ms", "--width", "5", "--duration", "0s");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("--rate must be in (0, 1000]")
        .contains("--gap must be between")
        .contains("--width must be between")
        .contains("--duration must be positive");
  }

  @Test
  void anUnreadableDurationIsAUsageError() {
    assertThat(run("demo", "--duration", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("is not a duration");
  }

  @Test
  void versionIsPrinted() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("traceline ");
  }
}
