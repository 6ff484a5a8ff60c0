package io.traceline.app.bench;

import io.traceline.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code traceline.timelines} from its start ({@code read_committed}, as a consumer of the
 * correlator's transactions must) on a thread of its own, and notes the wall-clock time at which
 * the first timeline of each watched trace was returned by {@code poll}; other timelines are only
 * counted. Owns its thread and its consumer: {@link #close()} ends both. Thread-safe.
 */
final class TimelineWatcher implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(50);

  private final Set<String> watched;
  private final Map<String, Long> readAt = new ConcurrentHashMap<>();
  private final AtomicLong others = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;

  /**
   * Starts reading.
   *
   * @param watched the trace ids whose first timeline's read time to note
   */
  TimelineWatcher(String bootstrapServers, int partitions, Set<String> watched) {
    this.watched = Set.copyOf(watched);
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(new TopicPartition(Topics.TIMELINES, p));
    }
    consumer.assign(all);
    consumer.seekToBeginning(all);
    this.thread = new Thread(new Loop(), "timeline-watcher");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private final class Loop implements Runnable {
    @Override
    public void run() {
      try {
        while (true) {
          var records = consumer.poll(POLL);
          long now = System.currentTimeMillis();
          for (ConsumerRecord<String, byte[]> r : records) {
            if (r.key() != null && watched.contains(r.key())) {
              readAt.putIfAbsent(r.key(), now);
            } else {
              others.incrementAndGet();
            }
          }
        }
      } catch (WakeupException closing) {
        // close() was called
      } catch (RuntimeException e) {
        failure.set(e);
      } finally {
        consumer.close();
      }
    }
  }

  /** When the first timeline of each watched trace read so far was returned, epoch ms. */
  Map<String, Long> readTimes() {
    check();
    return Map.copyOf(readAt);
  }

  /** How many watched traces have had a timeline so far. */
  int watchedRead() {
    check();
    return readAt.size();
  }

  /** Timelines of traces not watched, so far. */
  long others() {
    check();
    return others.get();
  }

  private void check() {
    Throwable e = failure.get();
    if (e != null) {
      throw new IllegalStateException("reading the timelines failed: " + e, e);
    }
  }

  /** Stops the thread and closes the consumer. */
  @Override
  public void close() {
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
