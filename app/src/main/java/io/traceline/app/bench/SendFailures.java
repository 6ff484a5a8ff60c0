package io.traceline.app.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The producer callback of a benchmark's input: counts failed sends and keeps the first failure, so
 * that a benchmark never measures a topic that lacks part of its input. Thread-safe (the producer's
 * I/O thread calls it).
 */
final class SendFailures implements Callback {

  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> first = new AtomicReference<>();

  @Override
  public void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception != null) {
      failed.incrementAndGet();
      first.compareAndSet(null, exception);
    }
  }

  /**
   * Throws when a send failed. Call after {@code flush()}.
   *
   * @throws IllegalStateException naming the count and the first failure
   */
  void check() {
    Exception e = first.get();
    if (e != null) {
      throw new IllegalStateException(failed.get() + " sends of the input failed; first: " + e, e);
    }
  }
}
