package io.traceline.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class DurationConverterTest {

  @ParameterizedTest
  @CsvSource({
    "500ms,500",
    "60s,60000",
    "5m,300000",
    "1h,3600000",
    "PT30S,30000",
    "pt2m,120000",
    " 7s ,7000"
  })
  void readsDurationsAsPeopleWriteThem(String text, long millis) {
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "10", "10x", "ms", "abc", "P"})
  void rejectsEverythingElse(String text) {
    assertThat(DurationConverter.parse(text)).isNull();
  }
}
