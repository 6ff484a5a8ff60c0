package io.traceline.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

@Timeout(10)
class RetryTest {

  @ParameterizedTest(name = "{0} / HTTP {1} -> {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "ThrottlingException,         400, RETRY",
        "LimitExceededException,      400, RETRY",
        "throttlingexception,         400, RETRY",
        "ServiceUnavailableException, 400, RETRY",
        "TooManyRequestsException,    400, RETRY",
        "ProvisionedThroughputExceededException, 400, RETRY",
        "KMSThrottlingException,      400, RETRY",
        "ExpiredIteratorException,    400, FATAL",
        "InvalidArgumentException,    400, FATAL",
        "'',                          429, RETRY",
        "InternalFailure,             500, RETRY",
        "'',                          503, RETRY",
        "null,                        0,   RETRY",
        "AccessDeniedException,       400, FATAL",
        "ResourceNotFoundException,   400, FATAL",
        "InvalidParameterException,   400, FATAL",
        "UnrecognizedClientException, 400, FATAL",
        "'',                          403, FATAL",
        "ValidationException,         400, FATAL",
      })
  void classifiesErrors(String code, int status, Retry.Verdict expected) {
    assertThat(Retry.classify(code, status)).isEqualTo(expected);
  }

  @Test
  void classifiesSdkExceptions() {
    assertThat(Retry.classify(service("ThrottlingException"))).isEqualTo(Retry.Verdict.RETRY);
    assertThat(Retry.classify(service("AccessDeniedException"))).isEqualTo(Retry.Verdict.FATAL);
    assertThat(
            Retry.classify(
                SdkClientException.create(
                    "Unable to execute HTTP request", new java.net.SocketException("reset"))))
        .isEqualTo(Retry.Verdict.RETRY);
    assertThat(Retry.classify(SdkClientException.create("Unable to load credentials")))
        .isEqualTo(Retry.Verdict.FATAL);
  }

  @ParameterizedTest(name = "retry {0}, unit {1} -> {2} ms")
  @CsvSource({
    "1,  0.999, 199",
    "1,  0.5,   100",
    "2,  0.5,   200",
    "3,  0.5,   400",
    "8,  0.999, 19980",
    "8,  0.5,   10000",
    "40, 0.999, 19980",
    "1,  0.0,   0",
  })
  void delaysDoubleUpToTheCapWithFullJitter(int retry, double unit, long expectedMs) {
    assertThat(Retry.delay(retry, Duration.ofMillis(200), Duration.ofSeconds(20), unit))
        .isEqualTo(Duration.ofMillis(expectedMs));
  }

  @Test
  void retriesThrottlingThenReturns() throws InterruptedException {
    List<Duration> waits = new ArrayList<>();
    Retry retry =
        new Retry(
            5, Duration.ofMillis(100), Duration.ofSeconds(1), waits::add, new SplittableRandom(1));
    AtomicInteger calls = new AtomicInteger();
    String result =
        retry.call(
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw service("ThrottlingException");
              }
              return "ok";
            });
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(4);
    assertThat(waits).hasSize(3);
    assertThat(waits.get(0)).isLessThan(Duration.ofMillis(100));
    assertThat(waits.get(2)).isLessThan(Duration.ofMillis(400));
  }

  @Test
  void givesUpAfterTheLastAttempt() {
    List<Duration> waits = new ArrayList<>();
    Retry retry =
        new Retry(
            3, Duration.ofMillis(1), Duration.ofMillis(5), waits::add, new SplittableRandom(1));
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.call(
                    () -> {
                      calls.incrementAndGet();
                      throw service("ThrottlingException");
                    }))
        .isInstanceOf(AwsServiceException.class);
    assertThat(calls).hasValue(3);
    assertThat(waits).hasSize(2);
  }

  @Test
  void failsAtOnceOnFatalErrors() {
    List<Duration> waits = new ArrayList<>();
    Retry retry =
        new Retry(
            5, Duration.ofMillis(1), Duration.ofMillis(5), waits::add, new SplittableRandom(1));
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.call(
                    () -> {
                      calls.incrementAndGet();
                      throw service("AccessDeniedException");
                    }))
        .isInstanceOf(AwsServiceException.class);
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  static AwsServiceException service(String code) {
    return AwsServiceException.builder()
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
        .statusCode(400)
        .message(code)
        .build();
  }
}
