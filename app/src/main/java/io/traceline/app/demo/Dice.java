package io.traceline.app.demo;

import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A seeded source of the random choices the workload makes. Deterministic: the same seed and the
 * same sequence of calls yield the same values. Not thread-safe.
 */
final class Dice {

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final SplittableRandom random;

  Dice(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A value derived from several parts, the same for the same parts (SplitMix64 finaliser). */
  static long mix(long... parts) {
    long h = 0x9E3779B97F4A7C15L;
    for (long part : parts) {
      h = finalise(h ^ finalise(part + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  static long mix(long seed, String text, long... parts) {
    long[] all = new long[parts.length + 2];
    all[0] = seed;
    all[1] = text.hashCode();
    System.arraycopy(parts, 0, all, 2, parts.length);
    return mix(all);
  }

  private static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  boolean chance(double probability) {
    return random.nextDouble() < probability;
  }

  /** A uniform integer in {@code [min, max]}. */
  long between(long min, long max) {
    return min + random.nextLong(max - min + 1);
  }

  /** A uniform double in {@code [min, max)}. */
  double uniform(double min, double max) {
    return min + random.nextDouble() * (max - min);
  }

  /** An exponentially distributed value with the given mean (Poisson inter-arrival times). */
  double exponential(double mean) {
    return -Math.log(1.0 - random.nextDouble()) * mean;
  }

  long nextLong() {
    return random.nextLong();
  }

  <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** {@code digits} lowercase hex digits; never all zeros. */
  String hex(int digits) {
    char[] out = new char[digits];
    boolean nonZero = false;
    for (int i = 0; i < digits; i++) {
      int v = random.nextInt(16);
      nonZero |= v != 0;
      out[i] = HEX[v];
    }
    if (!nonZero) {
      out[digits - 1] = '1';
    }
    return new String(out);
  }

  /** {@code length} characters of {@code [A-Za-z0-9]}. */
  String alphanumeric(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALNUM[random.nextInt(ALNUM.length)];
    }
    return new String(out);
  }

  /** A random (version 4) UUID, as Lambda and API Gateway request ids are. */
  String uuid() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~0xC000000000000000L) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
