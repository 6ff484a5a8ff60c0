package io.traceline.app.demo;

import java.math.BigInteger;

/**
 * Builds CloudWatch {@code logEvents[].id} values the way real ones decompose (reference §1.4):
 * {@code timestamp << 144 | 48-bit batch ms << 80 | 64-bit batch random << 16 | 16-bit sequence},
 * printed as a decimal string of 56 digits for current timestamps.
 */
final class EventIds {

  private static final BigInteger MASK_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final long MASK_48 = (1L << 48) - 1;

  private EventIds() {}

  static String id(long timestamp, long batchMs, long batchRandom, int sequence) {
    return BigInteger.valueOf(timestamp)
        .shiftLeft(144)
        .or(BigInteger.valueOf(batchMs & MASK_48).shiftLeft(80))
        .or(BigInteger.valueOf(batchRandom).and(MASK_64).shiftLeft(16))
        .or(BigInteger.valueOf(sequence & 0xFFFF))
        .toString();
  }
}
