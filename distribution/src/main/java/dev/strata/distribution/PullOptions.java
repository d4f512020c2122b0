package dev.strata.distribution;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.TransferListener;
import java.util.Optional;

/**
 * How to pull.
 *
 * @param name the image record's name; empty for the reference as normalized
 * @param platforms which entries of an index to fetch (default: this machine's); the index itself
 *     is always kept whole, as containerd keeps it
 * @param jobs blobs downloaded at once, at least 1
 * @param lease a lease the caller made (kept afterwards); empty for one of the pull's own, deleted
 *     when the image is recorded
 * @param listener hears about every blob; {@code finished} once the blob is in the store
 * @param manifests hears about every image manifest before its blobs are fetched
 */
public record PullOptions(
    Optional<String> name, PlatformMatcher platforms, int jobs, Optional<String> lease, TransferListener listener, ManifestListener manifests) {
  /** Validates the number of jobs. */
  public PullOptions {
    if (jobs < 1 || jobs > 64) {
      throw new InvalidArgumentException(String.valueOf(jobs), "--jobs must be within 1..64, got " + jobs);
    }
  }

  /** The reference's own name, this machine's platform, 3 jobs, a lease of its own, silent. */
  public static PullOptions defaults() {
    return new PullOptions(Optional.empty(), PlatformMatcher.host(), 3, Optional.empty(), TransferListener.NONE, ManifestListener.NONE);
  }

  /** These options recording the image as {@code imageName}. */
  public PullOptions withName(String imageName) {
    return new PullOptions(Optional.of(imageName), platforms, jobs, lease, listener, manifests);
  }

  /** These options selecting {@code matcher}'s platforms. */
  public PullOptions withPlatforms(PlatformMatcher matcher) {
    return new PullOptions(name, matcher, jobs, lease, listener, manifests);
  }

  /** These options downloading {@code n} blobs at once. */
  public PullOptions withJobs(int n) {
    return new PullOptions(name, platforms, n, lease, listener, manifests);
  }

  /** These options protecting the work with the caller's lease {@code id}. */
  public PullOptions withLease(String id) {
    return new PullOptions(name, platforms, jobs, Optional.of(id), listener, manifests);
  }

  /** These options telling {@code l} about each manifest before its blobs are fetched. */
  public PullOptions withManifestListener(ManifestListener l) {
    return new PullOptions(name, platforms, jobs, lease, listener, l);
  }

  /** These options reporting to {@code l}. */
  public PullOptions withListener(TransferListener l) {
    return new PullOptions(name, platforms, jobs, lease, l, manifests);
  }
}
