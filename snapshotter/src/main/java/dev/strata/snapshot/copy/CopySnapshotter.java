package dev.strata.snapshot.copy;

import dev.strata.core.Storage;
import dev.strata.overlay.tree.TreeCopier;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Usage;
import dev.strata.snapshot.internal.DirectorySnapshotter;
import dev.strata.snapshot.internal.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code native} backend: every active snapshot is a full, independent copy of its parent's
 * tree in {@code fs/}, made by {@link TreeCopier} (reflink where the filesystem has it, else
 * {@code copy_file_range}, else plain copies; never hardlinks to the parent; every attribute,
 * xattr and device node kept). It works on any filesystem and needs no overlayfs.
 *
 * <table>
 *   <caption>Mounts by case</caption>
 *   <tr><th>snapshot</th><th>mount</th></tr>
 *   <tr><td>active</td><td>{@code bind ID/fs [rbind, rw]}</td></tr>
 *   <tr><td>view of a parent</td><td>{@code bind PARENT/fs [rbind, ro]} (no copy: the parent is immutable)</td></tr>
 *   <tr><td>view of nothing</td><td>{@code bind ID/fs [rbind, ro]}</td></tr>
 * </table>
 *
 * Usage is that of the whole copy, which is what the snapshot costs on disk (before reflinks).
 */
public final class CopySnapshotter extends DirectorySnapshotter {
  private CopySnapshotter(Storage storage) throws IOException {
    super(storage, "native");
  }

  /** Opens the native snapshotter of {@code storage}. */
  public static CopySnapshotter open(Storage storage) throws IOException {
    return new CopySnapshotter(storage);
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
}
