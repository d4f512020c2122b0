package dev.strata.snapshot;

import dev.strata.core.Storage;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.snapshot.spi.BackendProvider;
import java.io.IOException;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens snapshotter backends by name, as the CLI's {@code --snapshotter} names them. Backends are
 * found through {@link ServiceLoader}: a module that provides one and is absent offers none.
 */
public final class Snapshotters {
  /** The backend used when none is named. */
  public static final String DEFAULT = "overlay";

  private Snapshotters() {}

  /** The names of the available backends, in the order their modules list them. */
  public static List<String> names() {
    return providers().stream().map(BackendProvider::name).toList();
  }

  /**
   * Opens the backend {@code name} on {@code storage}.
   *
   * @throws InvalidArgumentException when there is no such backend
   */
  public static Snapshotter open(Storage storage, String name) throws IOException {
    for (BackendProvider provider : providers()) {
      if (provider.name().equals(name)) {
        return provider.open(storage);
      }
    }
    throw new InvalidArgumentException(name, "unknown snapshotter " + name + " (have: " + String.join(", ", names()) + ")");
  }

  private static List<BackendProvider> providers() {
    return ServiceLoader.load(BackendProvider.class, Snapshotters.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get)
        .toList();
  }
}
