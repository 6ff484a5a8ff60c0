package io.traceline.app.correlate;

import io.traceline.model.EventKind;
import io.traceline.model.Json;
import io.traceline.model.LogEvent;
import io.traceline.model.Topics;
import io.traceline.model.TraceIdFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The input of {@link CorrelatorFailoverIT}: traces written to {@code traceline.events} over time,
 * one wave every {@link #WAVE}, as a live pipeline would see them. Each wave opens {@code
 * tracesPerWave} traces, until {@link #stopOpeningAfter} (or {@code maxWaves}); each trace gets
 * {@value #EVENTS_PER_WAVE} events in each of {@value #WAVES_PER_TRACE} consecutive waves (so it
 * stays open across waves), and every {@code lateEvery}-th trace one more event once {@code
 * lateAfter} has passed since its last one: longer than the inactivity gap, so that event re-opens
 * a closed trace. Event times are the wall clock at sending; event ids are distinct.
 *
 * <p>Owns its producer and its thread; {@link #close()} stops both. The accessors may be called
 * from any thread and show what the broker has acknowledged so far.
 */
final class WaveWorkload implements AutoCloseable {

  /** Time between two waves. */
  static final Duration WAVE = Duration.ofMillis(500);

  static final int WAVES_PER_TRACE = 3;
  static final int EVENTS_PER_WAVE = 2;

  private final int tracesPerWave;
  private final int lateEvery;
  private final long lateAfterMs;
  private final KafkaProducer<String, byte[]> producer;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
  private final ScheduledFuture<?> schedule;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicInteger wave = new AtomicInteger();
  private final AtomicInteger lastOpening;
  private final Map<String, Set<String>> acked = new ConcurrentHashMap<>();
  private final Set<String> lateAcked = ConcurrentHashMap.newKeySet();

  /** Trace id -> time of its last regular event, for the late events still to send (own thread). */
  private final Map<String, Long> lateDue = new HashMap<>();

  /**
   * Starts writing at once.
   *
   * @param maxWaves at most this many waves open traces (the workload runs on until their last
   *     events are out)
   */
  WaveWorkload(
      String bootstrapServers, int maxWaves, int tracesPerWave, int lateEvery, Duration lateAfter) {
    this.lastOpening = new AtomicInteger(maxWaves - 1);
    this.tracesPerWave = tracesPerWave;
    this.lateEvery = lateEvery;
    this.lateAfterMs = lateAfter.toMillis();
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    this.schedule =
        thread.scheduleAtFixedRate(this::nextWave, 0, WAVE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The id of the {@code k}-th trace: 32 lowercase hex. */
  static String traceId(int k) {
    return String.format("%016x%016x", 0xfa11_07e5L, k);
  }

  /** Opens traces in {@code waves} more waves at most, then only completes the open ones. */
  void stopOpeningAfter(int waves) {
    lastOpening.getAndUpdate(last -> Math.min(last, wave.get() + waves - 1));
  }

  /** Completes once every event is acknowledged; fails if a send failed. */
  CompletableFuture<Void> done() {
    return done;
  }

  /** Waves written so far. */
  int waves() {
    return wave.get();
  }

  /** Trace id -> ids of its events acknowledged so far (a copy). */
  Map<String, Set<String>> acked() {
    Map<String, Set<String>> copy = new HashMap<>();
    acked.forEach((trace, ids) -> copy.put(trace, Set.copyOf(ids)));
    return copy;
  }

  /** Whether the trace gets a late event. */
  boolean isLate(String traceId) {
    return Long.parseLong(traceId.substring(16), 16) % lateEvery == 0;
  }

  /** Whether the trace's late event is acknowledged. */
  boolean lateAcked(String traceId) {
    return lateAcked.contains(traceId);
  }

  private void nextWave() {
    try {
      int w = wave.get();
      int last = lastOpening.get();
      long now = System.currentTimeMillis();
      Map<String, List<String>> ids = new HashMap<>();
      List<Future<RecordMetadata>> sends = new ArrayList<>();
      List<String> lateSent = new ArrayList<>();
      int first = Math.max(0, w - WAVES_PER_TRACE + 1) * tracesPerWave;
      int end = (Math.min(w, last) + 1) * tracesPerWave;
      for (int k = first; k < end; k++) {
        String trace = traceId(k);
        int step = w - k / tracesPerWave;
        for (int j = 0; j < EVENTS_PER_WAVE; j++) {
          sends.add(send(trace, step * EVENTS_PER_WAVE + j, now, ids));
        }
        if (step == WAVES_PER_TRACE - 1 && isLate(trace)) {
          lateDue.put(trace, now);
        }
      }
      for (var due : List.copyOf(lateDue.entrySet())) {
        if (now - due.getValue() >= lateAfterMs) {
          sends.add(send(due.getKey(), WAVES_PER_TRACE * EVENTS_PER_WAVE, now, ids));
          lateDue.remove(due.getKey());
          lateSent.add(due.getKey());
        }
      }
      producer.flush();
      for (Future<RecordMetadata> send : sends) {
        send.get(30, TimeUnit.SECONDS);
      }
      ids.forEach((trace, added) -> acked.computeIfAbsent(trace, t -> newSet()).addAll(added));
      lateAcked.addAll(lateSent);
      wave.incrementAndGet();
      if (w >= last + WAVES_PER_TRACE - 1 && lateDue.isEmpty()) {
        done.complete(null);
        thread.shutdown(); // no further waves
      }
    } catch (Exception | Error e) {
      done.completeExceptionally(e);
      thread.shutdown();
    }
  }

  private static Set<String> newSet() {
    return ConcurrentHashMap.newKeySet();
  }

  private Future<RecordMetadata> send(
      String trace, int n, long now, Map<String, List<String>> ids) {
    LogEvent event =
        LogEvent.builder()
            .id(trace + "-" + n)
            .timestamp(now)
            .ingestedAt(now)
            .trace(trace, TraceIdFormat.HEX32)
            .service(List.of("api", "worker", "db").get(n % 3))
            .kind(EventKind.APP)
            .message("line " + n)
            .build();
    ids.computeIfAbsent(trace, t -> new ArrayList<>()).add(event.id());
    return producer.send(new ProducerRecord<>(Topics.EVENTS, trace, Json.writeEvent(event)));
  }

  /** Stops the waves (if still running) and closes the producer. */
  @Override
  public void close() {
    schedule.cancel(false);
    thread.shutdownNow();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
