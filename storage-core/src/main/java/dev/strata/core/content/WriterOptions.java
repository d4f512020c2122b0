package dev.strata.core.content;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.oci.Descriptor;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a writer is told up front. Announcing the expected digest picks the hash algorithm and lets
 * the writer refuse oversized input as soon as it passes the expected size.
 *
 * @param expectedDigest the digest the content should have, if known
 * @param expectedSize the size the content should have, if known
 * @param algorithm the algorithm to hash with; must agree with {@code expectedDigest}
 * @param source the file the content is read from, if it is one: recorded with the ingest, and a
 *     stored ingest of another source (or one longer than this source) is started over rather
 *     than resumed
 */
public record WriterOptions(
    Optional<Digest> expectedDigest, OptionalLong expectedSize, DigestAlgorithm algorithm, Optional<SourceIdentity> source) {

  /** Checks that the algorithm agrees with the expected digest and the size is not negative. */
  public WriterOptions {
    if (expectedDigest.isPresent() && expectedDigest.get().algorithm() != algorithm) {
      throw new InvalidArgumentException(
          expectedDigest.get().toString(),
          "writer algorithm " + algorithm + " disagrees with expected digest " + expectedDigest.get());
    }
    if (expectedSize.isPresent() && expectedSize.getAsLong() < 0) {
      throw new InvalidArgumentException(
          String.valueOf(expectedSize.getAsLong()), "negative expected size " + expectedSize.getAsLong());
    }
  }

  /** Nothing known: sha256, no expectations. */
  public static WriterOptions defaults() {
    return new WriterOptions(Optional.empty(), OptionalLong.empty(), DigestAlgorithm.SHA256, Optional.empty());
  }

  /** Expects the blob {@code descriptor} describes. */
  public static WriterOptions expecting(Descriptor descriptor) {
    return expecting(descriptor.digest(), descriptor.size());
  }

  /** Expects content with {@code digest} and {@code size}. */
  public static WriterOptions expecting(Digest digest, long size) {
    return new WriterOptions(Optional.of(digest), OptionalLong.of(size), digest.algorithm(), Optional.empty());
  }

  /** Expects content with {@code digest}, of unknown size. */
  public static WriterOptions expecting(Digest digest) {
    return new WriterOptions(Optional.of(digest), OptionalLong.empty(), digest.algorithm(), Optional.empty());
  }

  /** Hashes with {@code algorithm}, nothing expected. */
  public static WriterOptions hashingWith(DigestAlgorithm algorithm) {
    return new WriterOptions(Optional.empty(), OptionalLong.empty(), algorithm, Optional.empty());
  }

  /** These options, reading from the file {@code identity} describes. */
  public WriterOptions readingFrom(SourceIdentity identity) {
    return new WriterOptions(expectedDigest, expectedSize, algorithm, Optional.of(identity));
  }
}
