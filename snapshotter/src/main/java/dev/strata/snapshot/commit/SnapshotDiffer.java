package dev.strata.snapshot.commit;

import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.overlay.changeset.DiffResult;
import dev.strata.overlay.changeset.LayerDiffer;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.spi.Changes;
import dev.strata.snapshot.spi.SnapshotBackend;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The changes of a snapshot over its parent, as a layer, read the way the backend keeps them
 * ({@code SnapshotBackend.changes}): on overlay the upper directory is walked alone (cost grows
 * with the change); elsewhere the snapshot's tree is compared with its parent's.
 */
public final class SnapshotDiffer {
  private SnapshotDiffer() {}

  /**
   * Writes the layer of {@code key}'s changes (an active snapshot or view) to {@code out}.
   *
   * @throws dev.strata.core.error.InvalidArgumentException when {@code snapshotter} is not one of
   *     strata's backends
   */
  public static DiffResult diff(Snapshotter snapshotter, String key, OutputStream out, DiffOptions options) throws IOException {
    LayerDiffer differ = LayerDiffer.create();
    return switch (SnapshotBackend.of(snapshotter).changes(key)) {
      case Changes.Upper upper -> differ.diffOverlay(upper.upper(), upper.lowers(), out, options);
      case Changes.Trees(Path tree, var parent) when parent.isPresent() -> differ.diff(parent.get(), tree, out, options);
      case Changes.Trees trees -> {
        Path empty = Files.createTempDirectory("strata-empty");
        try {
          yield differ.diff(empty, trees.tree(), out, options);
        } finally {
          Files.deleteIfExists(empty);
        }
      }
    };
  }
}
