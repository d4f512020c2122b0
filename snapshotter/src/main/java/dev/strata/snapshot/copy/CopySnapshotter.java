package dev.strata.snapshot.copy;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotter;
import java.io.IOException;

/**
 * The {@code native} backend: every active snapshot is a full, independent copy of its parent's
 * tree in {@code fs/}, made by {@link dev.strata.overlay.tree.TreeCopier} (reflink where the filesystem has it, else
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
public final class CopySnapshotter {
  private CopySnapshotter() {}

  /** Opens the native snapshotter of {@code storage}; the caller closes it. */
  public static Snapshotter open(Storage storage) throws IOException {
    return CopyBackend.open(storage);
  }
}
