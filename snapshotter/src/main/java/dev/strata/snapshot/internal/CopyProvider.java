package dev.strata.snapshot.internal;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.spi.BackendProvider;
import java.io.IOException;

/** Offers the {@code native} backend to {@link dev.strata.snapshot.Snapshotters}. */
public final class CopyProvider implements BackendProvider {
  /** A provider; {@link java.util.ServiceLoader} makes it. */
  public CopyProvider() {}

  @Override
  public String name() {
    return "native";
  }

  @Override
  public Snapshotter open(Storage storage) throws IOException {
    return dev.strata.snapshot.copy.CopySnapshotter.open(storage);
  }
}
