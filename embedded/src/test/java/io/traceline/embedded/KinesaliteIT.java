package io.traceline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.embedded.junit.KinesaliteExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** kinesalite, installed from the lockfile and started as a child process, serves the real SDK. */
@ExtendWith(KinesaliteExtension.class)
@Timeout(300)
class KinesaliteIT {

  private static KinesisClient client(Kinesalite kinesalite) {
    return KinesisClient.builder()
        .endpointOverride(kinesalite.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  @Test
  void servesStreamsShardsAndRawRecordBytes(Kinesalite kinesalite) {
    assertThat(System.getProperty(Kinesalite.CBOR_PROPERTY)).isEqualTo("false");
    byte[] gzipMagic = {(byte) 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    try (KinesisClient kinesis = client(kinesalite)) {
      kinesis.createStream(b -> b.streamName("logs").shardCount(2));
      List<Shard> shards = kinesis.listShards(b -> b.streamName("logs")).shards();
      assertThat(shards).hasSize(2);

      PutRecordResponse put =
          kinesis.putRecord(
              b ->
                  b.streamName("logs")
                      .partitionKey("/aws/lambda/orders-api")
                      .data(SdkBytes.fromByteArray(gzipMagic)));
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName("logs")
                          .shardId(put.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      GetRecordsResponse got = kinesis.getRecords(b -> b.shardIterator(iterator));

      assertThat(got.records()).hasSize(1);
      Record record = got.records().get(0);
      // What a Kinesis consumer gets is the raw bytes that were put, not base64 text.
      assertThat(record.data().asByteArray()).containsExactly(gzipMagic);
      assertThat(record.sequenceNumber()).isEqualTo(put.sequenceNumber());
      assertThat(record.partitionKey()).isEqualTo("/aws/lambda/orders-api");
      assertThat(new String(record.data().asByteArray(), StandardCharsets.ISO_8859_1))
          .startsWith("\u001f\u008b");
    }
  }

  @Test
  void closeEndsTheProcessAndFreesThePort() throws Exception {
    Kinesalite own = Kinesalite.start();
    int port = own.endpoint().getPort();
    assertThat(own.isAlive()).isTrue();
    own.close();
    own.close(); // idempotent
    assertThat(own.isAlive()).isFalse();
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.getPort();
              }
            })
        .isInstanceOf(IOException.class);
  }
}
