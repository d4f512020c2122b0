package dev.strata.snapshot.copy;

import dev.strata.core.Storage;
import dev.strata.overlay.tree.TreeCopier;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Usage;
import dev.strata.snapshot.spi.Changes;
import dev.strata.snapshot.spi.LayerTarget;
import dev.strata.overlay.changeset.ApplyTarget;
import java.util.Optional;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import dev.strata.snapshot.internal.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The native backend behind {@link CopySnapshotter}; the layout and mounts are described there. */
final class CopyBackend extends DirectorySnapshotter {
  private CopyBackend(Storage storage) throws IOException {
    super(storage, "native");
  }

  /** Opens the backend of {@code storage}. */
  static CopyBackend open(Storage storage) throws IOException {
    return new CopyBackend(storage);
  }

  @Override
  protected void populate(Path dir, List<Path> parents, SnapshotKind kind) throws IOException {
    if (kind == SnapshotKind.ACTIVE && !parents.isEmpty()) {
      TreeCopier.copy(parents.get(0).resolve("fs"), dir.resolve("fs"));
    } else {
      Files.createDirectory(dir.resolve("fs"));
    }
  }

  @Override
  protected List<Mount> mountsOf(Path dir, SnapshotKind kind, List<Path> parents) {
    if (kind == SnapshotKind.VIEW) {
      Path tree = parents.isEmpty() ? dir.resolve("fs") : parents.get(0).resolve("fs");
      return List.of(new Mount("bind", tree.toString(), List.of("rbind", "ro")));
    }
    return List.of(new Mount("bind", dir.resolve("fs").toString(), List.of("rbind", "rw")));
  }

  @Override
  protected Usage measure(Path dir) throws IOException {
    return Trees.measure(dir.resolve("fs"));
  }

  /** Into the snapshot's own full copy; deletions delete. */
  @Override
  protected LayerTarget targetOf(Path dir, List<Path> parents) {
    return new LayerTarget(dir.resolve("fs"), ApplyTarget.PLAIN, List.of());
  }

  /** The full copy against the parent's (immutable) tree. */
  @Override
  protected Changes changesOf(Path dir, SnapshotKind kind, List<Path> parents) {
    Path parent = parents.isEmpty() ? null : parents.get(0).resolve("fs");
    Path tree = kind == SnapshotKind.VIEW && parent != null ? parent : dir.resolve("fs");
    return new Changes.Trees(tree, Optional.ofNullable(parent));
  }
}
