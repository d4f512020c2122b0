package dev.strata.snapshot;

import dev.strata.core.Storage;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.snapshot.copy.CopySnapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import java.io.IOException;
import java.util.List;

/** Opens snapshotter backends by name, as the CLI's {@code --snapshotter} names them. */
public final class Snapshotters {
  /** The backend used when none is named. */
  public static final String DEFAULT = "overlay";

  private Snapshotters() {}

  /** The names of the available backends. */
  public static List<String> names() {
    return List.of("overlay", "native");
  }

  /**
   * Opens the backend {@code name} on {@code storage}.
   *
   * @throws InvalidArgumentException when there is no such backend
   */
  public static Snapshotter open(Storage storage, String name) throws IOException {
    return switch (name) {
      case "overlay" -> OverlayfsSnapshotter.open(storage);
      case "native" -> CopySnapshotter.open(storage);
      default -> throw new InvalidArgumentException(name, "unknown snapshotter " + name + " (have: " + String.join(", ", names()) + ")");
    };
  }
}
