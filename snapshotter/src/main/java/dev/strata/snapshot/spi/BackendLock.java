package dev.strata.snapshot.spi;

import java.io.IOException;

/** A lock held across threads and processes until closed; closing twice is a no-op. */
public interface BackendLock extends AutoCloseable {
  /** Releases the lock. */
  @Override
  void close() throws IOException;
}
