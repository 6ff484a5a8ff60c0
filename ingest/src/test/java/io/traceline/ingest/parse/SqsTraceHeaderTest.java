package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An SQS-triggered Lambda continues its sender's trace through the message system attribute {@code
 * AWSTraceHeader}; a consumer that logs the record it handles names the trace. The record shape is
 * the real one of the reference notes (2025, FIFO), body abbreviated.
 */
@Timeout(10)
class SqsTraceHeaderTest {

  private static final String GROUP = "/aws/lambda/dataset-events-consumer";
  private static final String TRACE = "b5a9daed357f662c2c285cf280b61d38";
  private static final String REQUEST = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

  static final String RECORD =
      "{\"messageId\":\"9e10fa0f-fa5d-16a5-099b-c82b304df1f8\",\"receiptHandle\":\"abc123\","
          + "\"body\":\"{…}\",\"attributes\":{\"ApproximateReceiveCount\":\"1\","
          + "\"AWSTraceHeader\":\"Root=1-b5a9daed-357f662c2c285cf280b61d38;Parent=6654c0335342e1d2;"
          + "Sampled=1;Lineage=1:fe460cdd:0\",\"SentTimestamp\":\"1752133103084\","
          + "\"SequenceNumber\":\"18895290148099055616\","
          + "\"MessageGroupId\":\"data-uploader-test-dataset\","
          + "\"SenderId\":\"AROA6MKHNZ5M2JTSYU4F3:data-uploader-dev-push-dataset-events-to-queue\","
          + "\"MessageDeduplicationId\":\"a643…\","
          + "\"ApproximateFirstReceiveTimestamp\":\"1752133103084\"},\"messageAttributes\":{},"
          + "\"md5OfBody\":\"2a28ab2ae56e1c0ba54bddeb3ece787e\",\"eventSource\":\"aws:sqs\","
          + "\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:123456789101:DatasetEvents.fifo\","
          + "\"awsRegion\":\"eu-west-1\"}";

  @Test
  void aFlatAwsTraceHeaderKeyNamesTheTrace() {
    LogEvent e =
        Lines.parse(
            GROUP,
            "{\"level\":\"INFO\",\"message\":\"handling\",\"AWSTraceHeader\":\"Root=1-b5a9daed-"
                + "357f662c2c285cf280b61d38;Parent=6654c0335342e1d2;Sampled=1;"
                + "Lineage=1:fe460cdd:0\"}\n");

    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY_HEADER);
    assertThat(e.spanId()).isEqualTo("6654c0335342e1d2");
  }

  @Test
  void theRealSqsRecordLoggedAsJsonNamesTheTrace() {
    LogEvent e = Lines.parse(GROUP, RECORD + "\n");

    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.XRAY_HEADER);
  }

  @Test
  void theRealSqsRecordInATextAppLineNamesTheTraceOfItsRequest() {
    LogEvent e = Lines.parse(GROUP, "2025-07-10T07:38:23.204Z\t" + REQUEST + "\tINFO\t" + RECORD);

    assertThat(e.requestId()).isEqualTo(REQUEST);
    assertThat(e.traceId()).isEqualTo(TRACE);
  }
}
