package dev.strata.fuse.internal;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.spi.BackendProvider;
import java.io.IOException;

/** Offers the {@code fuse} backend to {@link dev.strata.snapshot.Snapshotters}. */
public final class FuseProvider implements BackendProvider {
  /** A provider; {@link java.util.ServiceLoader} makes it. */
  public FuseProvider() {}

  @Override
  public String name() {
    return FuseBackend.NAME;
  }

  @Override
  public Snapshotter open(Storage storage) throws IOException {
    return new FuseBackend(storage);
  }
}
