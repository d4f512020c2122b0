package dev.strata.core.digest;

import dev.strata.core.internal.digest.Hashers;
import java.nio.ByteBuffer;

/**
 * An incremental hash over a stream of bytes, producing a {@link Digest}. Not thread-safe.
 *
 * <p>{@link #digest()} does not end the computation: more bytes may follow, which lets a writer
 * report the digest of what it has so far.
 */
public interface Hasher {

  /** Returns a new hasher for {@code algorithm}. */
  static Hasher create(DigestAlgorithm algorithm) {
    return Hashers.create(algorithm);
  }

  /** The algorithm this hasher computes. */
  DigestAlgorithm algorithm();

  /** Adds {@code len} bytes of {@code bytes} starting at {@code off}. */
  void update(byte[] bytes, int off, int len);

  /** Adds the remaining bytes of {@code buffer}, advancing its position to its limit. */
  void update(ByteBuffer buffer);

  /** Number of bytes hashed so far. */
  long length();

  /** The digest of all bytes hashed so far; hashing may continue afterwards. */
  Digest digest();
}
