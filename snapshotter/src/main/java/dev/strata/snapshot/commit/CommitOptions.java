package dev.strata.snapshot.commit;

import dev.strata.overlay.changeset.Compression;
import java.time.Instant;
import java.util.Optional;

/**
 * How a new layer and image are written.
 *
 * @param compression the layer's compression; gzip by default, which every peer reads (umoci
 *     0.4.7, Docker before 23 and many scanners refuse zstd layers); zstd is written as gzip on a
 *     Docker-format base, whose schema has no zstd layers
 * @param sourceDateEpoch when present, times newer than it are written as it, and it is the
 *     image's creation time (reproducible builds, SOURCE_DATE_EPOCH)
 * @param comment the history entry's comment, if any
 * @param lease a lease of the caller's that also receives the new blobs, so that they stay
 *     protected after the commit ({@code --lease ID})
 */
public record CommitOptions(
    Compression compression, Optional<Instant> sourceDateEpoch, Optional<String> comment, Optional<String> lease) {

  /** gzip, real times, no comment, no lease of the caller's. */
  public static CommitOptions defaults() {
    return new CommitOptions(Compression.GZIP, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** These options with {@code compression}. */
  public CommitOptions withCompression(Compression c) {
    return new CommitOptions(c, sourceDateEpoch, comment, lease);
  }

  /** These options clamping times to {@code epoch}. */
  public CommitOptions withSourceDateEpoch(Instant epoch) {
    return new CommitOptions(compression, Optional.of(epoch), comment, lease);
  }

  /** These options with a history comment. */
  public CommitOptions withComment(String text) {
    return new CommitOptions(compression, sourceDateEpoch, Optional.of(text), lease);
  }

  /** These options also adding the new blobs to the lease {@code leaseId}. */
  public CommitOptions withLease(String leaseId) {
    return new CommitOptions(compression, sourceDateEpoch, comment, Optional.of(leaseId));
  }
}
