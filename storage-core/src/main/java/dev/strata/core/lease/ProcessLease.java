package dev.strata.core.lease;

import java.io.IOException;

/**
 * A lease held by this process (see {@link LeaseManager#createForProcess}): while the handle is
 * open, the lease's lock is held; {@link #close()} deletes the lease, then releases the lock.
 */
public interface ProcessLease extends AutoCloseable {
  /** The lease as created. */
  Lease lease();

  /** The lease's id. */
  default String id() {
    return lease().id();
  }

  /** Deletes the lease (when it still exists) and releases its lock. Idempotent. */
  @Override
  void close() throws IOException;
}
