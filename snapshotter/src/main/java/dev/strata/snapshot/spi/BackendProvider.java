package dev.strata.snapshot.spi;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;

/**
 * Makes one snapshot backend; found by {@link java.util.ServiceLoader} ({@code provides} in a
 * module's descriptor, {@code META-INF/services} on the class path), so a backend whose module is
 * absent is simply not offered. The snapshotter it opens must implement {@link SnapshotBackend}.
 */
public interface BackendProvider {
  /** The backend's name, as {@code --snapshotter} and the {@code snapshots/BACKEND} tree name it. */
  String name();

  /** Opens the backend on {@code storage}; the caller closes it. */
  Snapshotter open(Storage storage) throws IOException;
}
