package dev.strata.core.testing;

import java.util.SplittableRandom;

/** Reproducible pseudo-random bytes for tests. */
public final class TestData {
  private TestData() {}

  /** {@code size} bytes drawn from {@code seed}; equal arguments give equal bytes. */
  public static byte[] bytes(int size, long seed) {
    byte[] out = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < size; j++) {
        out[i + j] = (byte) (v >>> (8 * j));
      }
    }
    return out;
  }
}
