package dev.strata.core.transfer;

import dev.strata.core.error.InvalidArgumentException;

/**
 * How to copy from the store to a destination.
 *
 * @param jobs blobs sent at once, 1..64
 * @param listener hears about every blob as the copier hands it over (a destination that writes
 *     only when it commits, a file, reports its own writing)
 * @param verifyReads whether every blob and manifest read from the store is checked against its
 *     digest on the way (an export: a damaged blob stops it, naming the blob); a registry checks
 *     what it receives itself, so a push reads the stored bytes as they are
 */
public record SendOptions(int jobs, TransferListener listener, boolean verifyReads) {
  /** Validates the number of jobs. */
  public SendOptions {
    if (jobs < 1 || jobs > 64) {
      throw new InvalidArgumentException(String.valueOf(jobs), "--jobs must be within 1..64, got " + jobs);
    }
  }

  /** A push's options: {@code jobs} at once, reporting to {@code listener}, no second hashing. */
  public static SendOptions pushing(int jobs, TransferListener listener) {
    return new SendOptions(jobs, listener, false);
  }

  /** An export's options: one blob at a time, every read verified; the destination reports. */
  public static SendOptions exporting() {
    return new SendOptions(1, TransferListener.NONE, true);
  }
}
