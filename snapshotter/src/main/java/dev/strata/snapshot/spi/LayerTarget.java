package dev.strata.snapshot.spi;

import dev.strata.overlay.changeset.ApplyTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where and how to apply a layer into an active snapshot, without mounting it.
 *
 * @param directory the tree the layer's entries are written into
 * @param target how deletions are written there: {@link ApplyTarget#OVERLAY_UPPER} (overlayfs
 *     whiteouts and opaque directories) or {@link ApplyTarget#PLAIN} (deletions delete)
 * @param lowerDirs the parents' trees, nearest first, that an {@code OVERLAY_UPPER} target lies
 *     over (parents the layer does not list take their attributes); empty for {@code PLAIN}
 */
public record LayerTarget(Path directory, ApplyTarget target, List<Path> lowerDirs) {
  /** Validates and copies. */
  public LayerTarget {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(target, "target");
    lowerDirs = List.copyOf(lowerDirs);
  }
}
