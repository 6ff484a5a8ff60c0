package io.traceline.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class OutcomeTest {

  @ParameterizedTest
  @CsvSource({
    "200, '', INDEXED",
    "201, '', INDEXED",
    "409, version_conflict_engine_exception, STALE",
    "429, es_rejected_execution_exception, RETRYABLE",
    "429, '', RETRYABLE",
    "500, '', RETRYABLE",
    "503, unavailable_shards_exception, RETRYABLE",
    "400, mapper_parsing_exception, REJECTED",
    "400, strict_dynamic_mapping_exception, REJECTED",
    "400, es_rejected_execution_exception, RETRYABLE",
    "404, index_not_found_exception, REJECTED",
  })
  void bulkItemOutcomes(int status, String errorType, Outcome expected) {
    assertThat(Outcome.classify(status, errorType)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "200, '', DELETED",
    "404, '', ABSENT",
    "404, index_not_found_exception, ABSENT",
    "409, version_conflict_engine_exception, ABSENT",
    "429, '', RETRYABLE",
    "503, unavailable_shards_exception, RETRYABLE",
    "400, es_rejected_execution_exception, RETRYABLE",
    "403, cluster_block_exception, FAILED",
    "400, illegal_argument_exception, FAILED",
  })
  void removalOutcomes(int status, String errorType, Removal.Result expected) {
    Removal removal = Removal.classify(status, errorType, errorType + ": why");

    assertThat(removal.result()).isEqualTo(expected);
    assertThat(removal.status()).isEqualTo(status);
    assertThat(removal.reason())
        .isEqualTo(expected == Removal.Result.DELETED ? "" : errorType + ": why");
  }
}
