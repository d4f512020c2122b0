package dev.strata.core.digest;

import dev.strata.core.error.InvalidArgumentException;
import java.util.Arrays;

/**
 * The digest algorithms strata can verify. Names and encoded lengths follow the OCI image-spec
 * (descriptor.md, "Registered algorithms"): {@code sha256} is the default and what every OCI tool
 * writes; {@code sha512} is registered; {@code blake3} is registered since image-spec 1.1 and is
 * computed with Bouncy Castle.
 */
public enum DigestAlgorithm {
  /** SHA-256, 64 lowercase hex characters. */
  SHA256("sha256", 64),
  /** SHA-512, 128 lowercase hex characters. */
  SHA512("sha512", 128),
  /** BLAKE3 with a 256-bit output, 64 lowercase hex characters. */
  BLAKE3("blake3", 64);

  private final String id;
  private final int encodedLength;

  DigestAlgorithm(String id, int encodedLength) {
    this.id = id;
    this.encodedLength = encodedLength;
  }

  /** The algorithm's name as written in a digest string, such as {@code sha256}. */
  public String id() {
    return id;
  }

  /** Length of the hex-encoded digest value. */
  public int encodedLength() {
    return encodedLength;
  }

  /** Length of the raw digest in bytes. */
  public int byteLength() {
    return encodedLength / 2;
  }

  /**
   * Returns the algorithm named {@code id}.
   *
   * @throws InvalidArgumentException when strata does not support that algorithm
   */
  public static DigestAlgorithm of(String id) {
    return Arrays.stream(values())
        .filter(a -> a.id.equals(id))
        .findFirst()
        .orElseThrow(
            () -> new InvalidArgumentException(id, "unsupported digest algorithm: " + id));
  }

  @Override
  public String toString() {
    return id;
  }
}
