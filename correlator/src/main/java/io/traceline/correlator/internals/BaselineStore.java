package io.traceline.correlator.internals;

import io.traceline.correlator.CorrelatorSettings;
import io.traceline.correlator.baseline.BucketWindow;
import io.traceline.correlator.baseline.HopCodec;
import io.traceline.correlator.baseline.OutlierRules;
import io.traceline.correlator.baseline.RouteBaseline;
import io.traceline.correlator.baseline.RouteStats;
import io.traceline.correlator.baseline.TraceSample;
import io.traceline.model.Timeline;
import io.traceline.model.Timeline.Flag;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The learned baselines of one task, kept in the {@code trace-baselines} store: flags each emitted
 * timeline against its route's baseline, then learns from it (the timelines of one pass together).
 * Moves data between the store and the pure {@code baseline} classes ({@link RouteStats}, {@link
 * BucketWindow}, {@link OutlierRules}).
 *
 * <p>Layout (see {@link StoreNames#BASELINES}): one entry per route and bucket with the route's
 * {@link RouteStats} in that bucket; an expiry index ordered by bucket, scanned from its start when
 * the correlator's clock has passed a bucket's end by {@code keep}; one registry entry per route
 * (its newest bucket and that bucket's hop count) for the route bound and the gauges. A route's key
 * is {@link HopCodec#toBytes} of its entry hop, which is prefix-free, so the buckets of one route
 * are one key range.
 *
 * <p>The store is the truth: a restarted task reads it again. The heap holds only a bounded cache
 * of merged views ({@link #MAX_CACHED_ROUTES} routes, two windows each: requests closing just
 * before and after a bucket boundary), invalidated when a request is learned into or a bucket
 * expires out of a cached window, and the route and hop counts, read from the registry on first
 * use. A stored entry that does not decode is counted and replaced, never thrown. Not thread-safe:
 * owned by one processor.
 */
final class BaselineStore {

  /** Routes whose merged views are cached; beyond it the least recently used is dropped. */
  static final int MAX_CACHED_ROUTES = 1_024;

  private static final int MAX_EXPIRED_PER_PASS = 10_000;
  private static final byte BUCKET = 'b';
  private static final byte EXPIRY = 'x';
  private static final byte ROUTE = 'r';
  private static final byte[] MARKER = {1};
  private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();

  private final BucketWindow window;
  private final OutlierRules rules;
  private final int maxRoutes;
  private final int maxHops;
  private final CorrelatorMetrics metrics;
  private final ViewCache views = new ViewCache();
  private final Map<Bytes, Unlearned> unlearned = new LinkedHashMap<>();

  private KeyValueStore<Bytes, byte[]> store;
  private String task;
  private CorrelatorMetrics.BaselineGauges gauges;
  private boolean counted;
  private long expiredBelow = Long.MIN_VALUE;

  BaselineStore(CorrelatorSettings settings, CorrelatorMetrics metrics) {
    this.window = window(settings);
    this.rules = rules(settings);
    this.maxRoutes = settings.maxBaselineRoutes();
    this.maxHops = settings.maxBaselineHopsPerRoute();
    this.metrics = metrics;
  }

  /**
   * The window of {@code settings}: a request is compared with the buckets that ended {@code
   * maxTraceAge + inactivityGap} (the longest a request stays open) before it started, and a bucket
   * is kept for that plus the window, plus {@code maxTraceAge + grace} for requests whose events
   * arrive late.
   */
  static BucketWindow window(CorrelatorSettings settings) {
    long bucket = settings.baselineBucket().toMillis();
    long windowMs = settings.baselineWindow().toMillis();
    long settle = settings.maxTraceAge().plus(settings.inactivityGap()).toMillis();
    long keep = windowMs + settle + settings.maxTraceAge().plus(settings.grace()).toMillis();
    return new BucketWindow(bucket, (int) (windowMs / bucket), settle, keep);
  }

  /** The outlier rules of {@code settings}. */
  static OutlierRules rules(CorrelatorSettings settings) {
    return new OutlierRules(
        settings.baselineQuantile(),
        settings.outlierRatio(),
        settings.minOutlierDeltaMs(),
        settings.minBaselineSamples(),
        settings.missingHopPresence(),
        settings.baselineWindow());
  }

  /**
   * Starts on {@code store} for task {@code task}. Streams may init a processor again (a revived
   * task), so nothing of a previous run is kept.
   */
  void init(KeyValueStore<Bytes, byte[]> store, String task) {
    this.store = store;
    this.task = task;
    this.gauges = metrics.baselineGauges(task);
    this.counted = false;
    this.expiredBelow = Long.MIN_VALUE;
    views.clear();
    unlearned.clear();
  }

  /** Removes the task's gauges: the task was closed. */
  void close() {
    if (task != null) {
      metrics.removeBaselineGauges(task);
    }
  }

  /**
   * Flags {@code timeline} against its route's baseline and, if it is the first emission of a
   * complete trace, keeps it to be learned by the next {@link #learnKept}; first deletes the
   * buckets the clock has left behind.
   *
   * @param now the correlator's clock
   * @return the timeline with the new flags after its own
   */
  Timeline flagAndLearn(Timeline timeline, long now) {
    count();
    expire(now);
    TraceSample sample = TraceSample.of(timeline);
    byte[] route = HopCodec.toBytes(sample.route());
    List<Flag> flags = rules.flags(sample, view(route, sample.startTime()));
    if (sample.learnable()) {
      long bucket = window.bucketOf(sample.startTime());
      unlearned
          .computeIfAbsent(bucketKey(route, bucket), k -> new Unlearned(route, bucket))
          .samples
          .add(sample);
    }
    if (flags.isEmpty()) {
      return timeline;
    }
    List<Flag> all = new ArrayList<>(timeline.flags());
    for (Flag flag : flags) {
      all.add(flag);
    }
    return timeline.withFlags(all);
  }

  /** The merged baseline of the window a request of {@code route} starting at a time sees. */
  private RouteBaseline view(byte[] route, long startTime) {
    Bytes routeKey = Bytes.wrap(route);
    long last = window.lastBucketFor(startTime);
    RouteBaseline cached = views.get(routeKey, last);
    if (cached != null) {
      return cached;
    }
    RouteStats merged = RouteStats.empty();
    List<Bytes> broken = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(bucketKey(route, last - window.buckets() + 1), bucketKey(route, last))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        try {
          merged.merge(RouteStats.fromBytes(entry.value));
        } catch (IllegalArgumentException e) {
          broken.add(entry.key);
        }
      }
    }
    for (Bytes key : broken) {
      store.delete(key); // learned again from the next request of its bucket
      metrics.baselineDropped("undecodable", 1);
    }
    RouteBaseline baseline = merged.baseline(rules.quantile());
    views.put(routeKey, last, baseline, window.buckets());
    return baseline;
  }

  /**
   * Learns the requests kept since the last call, each route's bucket read and written once however
   * many requests it gets (decoding and encoding its sketches is most of the cost of learning). The
   * processor calls it at the end of each pass that emitted timelines, within the same processing
   * step, so nothing kept is lost to a commit.
   */
  void learnKept(long now) {
    for (Unlearned kept : unlearned.values()) {
      learn(kept.route, kept.bucket, kept.samples, now);
    }
    unlearned.clear();
  }

  private void learn(byte[] route, long bucket, List<TraceSample> samples, long now) {
    if (bucket < window.expiredBelow(now)) {
      metrics.baselineDropped("too-old", samples.size());
      return;
    }
    Bytes registryKey = registryKey(route);
    byte[] registered = store.get(registryKey);
    if (registered == null && gauges.routes.get() >= maxRoutes) {
      metrics.baselineDropped("too-many-routes", samples.size());
      return;
    }
    Bytes key = bucketKey(route, bucket);
    byte[] stored = store.get(key);
    RouteStats stats = decode(stored);
    if (stored == null) {
      store.put(expiryKey(bucket, route), MARKER);
    }
    for (TraceSample sample : samples) {
      int dropped = stats.add(sample, maxHops);
      if (dropped > 0) {
        metrics.baselineDropped("too-many-hops", dropped);
      }
    }
    store.put(key, stats.toBytes());
    register(registryKey, registered, bucket, stats.hopCount());
    views.invalidate(Bytes.wrap(route), bucket);
  }

  /** The requests of one route and bucket kept to be learned. */
  private static final class Unlearned {
    final byte[] route;
    final long bucket;
    final List<TraceSample> samples = new ArrayList<>();

    Unlearned(byte[] route, long bucket) {
      this.route = route;
      this.bucket = bucket;
    }
  }

  private RouteStats decode(byte[] stored) {
    if (stored != null) {
      try {
        return RouteStats.fromBytes(stored);
      } catch (IllegalArgumentException e) {
        metrics.baselineDropped("undecodable", 1); // replaced by what is learned now
      }
    }
    return RouteStats.empty();
  }

  /** Keeps the route's registry entry (newest bucket, its hops) and the gauges up to date. */
  private void register(Bytes registryKey, byte[] registered, long bucket, int hops) {
    RouteEntry before = registered == null ? null : RouteEntry.fromBytes(registered);
    if (before != null && bucket < before.newest()) {
      return;
    }
    RouteEntry after = new RouteEntry(bucket, hops);
    if (after.equals(before)) {
      return;
    }
    store.put(registryKey, after.toBytes());
    if (registered == null) {
      gauges.routes.incrementAndGet();
    }
    gauges.hops.addAndGet(hops - (before == null ? 0 : before.hops()));
  }

  /** Deletes every bucket the clock at {@code now} has left behind (bounded per pass). */
  private void expire(long now) {
    long below = window.expiredBelow(now);
    if (below <= expiredBelow) {
      return;
    }
    List<Bytes> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(expiryKey(Long.MIN_VALUE, new byte[0]), expiryKey(below, new byte[0]))) {
      while (it.hasNext() && due.size() < MAX_EXPIRED_PER_PASS) {
        due.add(it.next().key);
      }
    }
    for (Bytes indexKey : due) {
      ByteBuffer key = ByteBuffer.wrap(indexKey.get());
      key.get(); // EXPIRY
      long bucket = key.getLong() ^ Long.MIN_VALUE;
      byte[] route = new byte[key.remaining()];
      key.get(route);
      store.delete(bucketKey(route, bucket));
      store.delete(indexKey);
      unregisterIfLast(route, bucket);
      views.invalidate(Bytes.wrap(route), bucket);
    }
    if (due.size() < MAX_EXPIRED_PER_PASS) {
      expiredBelow = below;
    }
  }

  private void unregisterIfLast(byte[] route, long expiredBucket) {
    Bytes registryKey = registryKey(route);
    byte[] registered = store.get(registryKey);
    if (registered == null) {
      return;
    }
    RouteEntry entry = RouteEntry.fromBytes(registered);
    if (entry.newest() <= expiredBucket) {
      store.delete(registryKey);
      gauges.routes.decrementAndGet();
      gauges.hops.addAndGet(-entry.hops());
    }
  }

  /** Reads the route and hop counts from the registry, once per init (after any restore). */
  private void count() {
    if (counted) {
      return;
    }
    long routes = 0;
    long hops = 0;
    try (KeyValueIterator<Bytes, byte[]> it =
        store.prefixScan(Bytes.wrap(new byte[] {ROUTE}), PREFIX_SERIALIZER)) {
      while (it.hasNext()) {
        routes++;
        hops += RouteEntry.fromBytes(it.next().value).hops();
      }
    }
    gauges.routes.set(routes);
    gauges.hops.set(hops);
    counted = true;
  }

  /** {@code 'b'} + route + bucket (8 bytes, big-endian, sign flipped: byte order is time order). */
  static Bytes bucketKey(byte[] route, long bucket) {
    return Bytes.wrap(
        ByteBuffer.allocate(1 + route.length + 8)
            .put(BUCKET)
            .put(route)
            .putLong(bucket ^ Long.MIN_VALUE)
            .array());
  }

  /** {@code 'x'} + bucket + route: the expiry index, in bucket order. */
  static Bytes expiryKey(long bucket, byte[] route) {
    return Bytes.wrap(
        ByteBuffer.allocate(1 + 8 + route.length)
            .put(EXPIRY)
            .putLong(bucket ^ Long.MIN_VALUE)
            .put(route)
            .array());
  }

  /** {@code 'r'} + route: the route registry. */
  static Bytes registryKey(byte[] route) {
    return Bytes.wrap(ByteBuffer.allocate(1 + route.length).put(ROUTE).put(route).array());
  }

  /**
   * A route's registry entry: its newest bucket and that bucket's hop count. An undecodable entry
   * reads as the oldest possible bucket without hops, so that the next request replaces it.
   */
  record RouteEntry(long newest, int hops) {
    byte[] toBytes() {
      return ByteBuffer.allocate(12).putLong(newest).putInt(hops).array();
    }

    static RouteEntry fromBytes(byte[] bytes) {
      if (bytes.length != 12) {
        return new RouteEntry(Long.MIN_VALUE, 0);
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      return new RouteEntry(buffer.getLong(), Math.max(0, buffer.getInt()));
    }
  }

  /**
   * Merged views per route, least recently used routes dropped beyond {@link #MAX_CACHED_ROUTES}.
   * Two windows per route, so requests closing on both sides of a bucket boundary do not merge the
   * buckets again each time.
   */
  private static final class ViewCache {
    private final Map<Bytes, View[]> byRoute =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Bytes, View[]> eldest) {
            return size() > MAX_CACHED_ROUTES;
          }
        };

    RouteBaseline get(Bytes route, long last) {
      View[] views = byRoute.get(route);
      if (views != null) {
        for (View v : views) {
          if (v != null && v.last == last) {
            return v.baseline;
          }
        }
      }
      return null;
    }

    void put(Bytes route, long last, RouteBaseline baseline, int buckets) {
      View[] views = byRoute.computeIfAbsent(route, r -> new View[2]);
      View view = new View(last, last - buckets + 1, baseline);
      if (views[0] == null || last > views[0].last) {
        views[1] = views[0];
        views[0] = view;
      } else {
        views[1] = view;
      }
    }

    /** Drops the cached windows of {@code route} that contain {@code bucket}. */
    void invalidate(Bytes route, long bucket) {
      View[] views = byRoute.get(route);
      if (views != null) {
        for (int i = 0; i < views.length; i++) {
          if (views[i] != null && bucket >= views[i].first && bucket <= views[i].last) {
            views[i] = null;
          }
        }
      }
    }

    void clear() {
      byRoute.clear();
    }
  }

  private record View(long last, long first, RouteBaseline baseline) {}
}
