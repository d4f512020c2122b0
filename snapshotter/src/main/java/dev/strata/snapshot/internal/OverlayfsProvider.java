package dev.strata.snapshot.internal;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.spi.BackendProvider;
import java.io.IOException;

/** Offers the {@code overlay} backend to {@link dev.strata.snapshot.Snapshotters}. */
public final class OverlayfsProvider implements BackendProvider {
  /** A provider; {@link java.util.ServiceLoader} makes it. */
  public OverlayfsProvider() {}

  @Override
  public String name() {
    return "overlay";
  }

  @Override
  public Snapshotter open(Storage storage) throws IOException {
    return dev.strata.snapshot.overlayfs.OverlayfsSnapshotter.open(storage);
  }
}
