package io.traceline.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class InstantConverterTest {

  @ParameterizedTest
  @CsvSource({
    "2025-11-14T08:00:00Z,          2025-11-14T08:00:00Z",
    "2025-11-14T08:00:00.250Z,      2025-11-14T08:00:00.250Z",
    "2025-11-14T09:00:00+01:00,     2025-11-14T08:00:00Z",
    "1763107200000,                 2025-11-14T08:00:00Z",
    "0,                             1970-01-01T00:00:00Z",
  })
  void readsIsoInstantsOffsetsAndEpochMillis(String value, String expected) {
    assertThat(InstantConverter.parse(value)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "yesterday", "2025-11-14", "-5", "99999999999999999999", "1.5e12"})
  void rejectsWhatIsNotATime(String value) {
    assertThat(InstantConverter.parse(value)).isNull();
  }
}
