package dev.strata.core.transfer;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.oci.PlatformMatcher;
import java.time.Duration;
import java.util.Optional;

/**
 * How to import.
 *
 * @param name names the imported image, overriding the names the archive carries; the archive
 *     must then hold exactly one image
 * @param platforms which entries of an image index to import (the others are recorded in the
 *     index's bytes but not copied, as containerd does); default: this machine's platform
 * @param leaseExpiry how long the import's lease protects its blobs while the importing process
 *     lives (the lease ends with the import, and with the process)
 * @param listener hears about each blob
 * @param lease a lease of the caller's that also receives every blob imported, so that they stay
 *     protected after the import ({@code --lease ID})
 */
public record ImportOptions(
    Optional<String> name, PlatformMatcher platforms, Duration leaseExpiry, TransferListener listener, Optional<String> lease) {

  /** One hour: long enough to look at a failure, short enough not to pile up. */
  public static final Duration DEFAULT_LEASE_EXPIRY = Duration.ofHours(1);

  /** Checks the expiry is positive. */
  public ImportOptions {
    if (leaseExpiry.isNegative() || leaseExpiry.isZero()) {
      throw new InvalidArgumentException(leaseExpiry.toString(), "lease expiry must be positive, got " + leaseExpiry);
    }
  }

  /** Names from the archive, this machine's platform, an hour's lease, no listener. */
  public static ImportOptions defaults() {
    return new ImportOptions(Optional.empty(), PlatformMatcher.host(), DEFAULT_LEASE_EXPIRY, TransferListener.NONE, Optional.empty());
  }

  /** These options with the image named {@code newName}. */
  public ImportOptions withName(String newName) {
    return new ImportOptions(Optional.of(newName), platforms, leaseExpiry, listener, lease);
  }

  /** These options following {@code matcher} in indexes. */
  public ImportOptions withPlatforms(PlatformMatcher matcher) {
    return new ImportOptions(name, matcher, leaseExpiry, listener, lease);
  }

  /** These options with another lease expiry. */
  public ImportOptions withLeaseExpiry(Duration expiry) {
    return new ImportOptions(name, platforms, expiry, listener, lease);
  }

  /** These options reporting to {@code newListener}. */
  public ImportOptions withListener(TransferListener newListener) {
    return new ImportOptions(name, platforms, leaseExpiry, newListener, lease);
  }

  /** These options also adding the imported blobs to the lease {@code leaseId}. */
  public ImportOptions withLease(String leaseId) {
    return new ImportOptions(name, platforms, leaseExpiry, listener, Optional.of(leaseId));
  }
}
