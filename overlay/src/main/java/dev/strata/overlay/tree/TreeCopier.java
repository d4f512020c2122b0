package dev.strata.overlay.tree;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.overlay.internal.copy.Copier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Copies a directory tree into a new, independent tree: what a copying snapshotter's prepare
 * needs (containerd's native snapshotter, {@code fs.CopyDir}).
 *
 * <ul>
 *   <li><b>Independent:</b> every inode of the copy is new; writing the copy never changes the
 *       source. File data is shared only by reflink ({@code FICLONE}, copy-on-write extents, where
 *       the filesystem has them), else copied with {@code copy_file_range}, else read and written.
 *       Never hardlinked to the source.
 *   <li><b>Exact:</b> type, permission bits (setuid, setgid, sticky), owner (when root), xattrs of
 *       every namespace the process may write ({@code security.capability}, {@code trusted.*}
 *       when root), device nodes and FIFOs, symlinks with their own owner and mtime, hardlink
 *       groups <em>within</em> the tree, sparse holes (data regions found with SEEK_DATA /
 *       SEEK_HOLE), mtimes in nanoseconds; directory attributes are set after their contents.
 *   <li><b>Safe:</b> nothing is followed: entries are opened and made relative to directory
 *       descriptors with {@code O_NOFOLLOW} and the {@code *at} calls; xattrs are read and written
 *       with the {@code l*xattr} calls on the held directory.
 * </ul>
 *
 * Sockets are skipped (counted). The source must not change during the copy.
 */
public final class TreeCopier {
  private TreeCopier() {}

  /**
   * Copies the tree at {@code source} to {@code target}, which must not exist (its parent must)
   * or be an empty directory.
   *
   * @throws FailedPreconditionException when {@code target} exists and is not an empty directory,
   *     or {@code source} is not a directory
   * @throws IOException when reading or writing fails; the partial copy is left for the caller to
   *     remove
   */
  public static CopyResult copy(Path source, Path target) throws IOException {
    if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new FailedPreconditionException(source.toString(), "copy source is not a directory: " + source);
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FailedPreconditionException(target.toString(), "copy target exists and is not a directory: " + target);
      }
      try (var s = Files.list(target)) {
        if (s.findAny().isPresent()) {
          throw new FailedPreconditionException(target.toString(), "copy target is not empty: " + target);
        }
      }
    } else {
      Files.createDirectory(target);
    }
    return new Copier().copy(source, target);
  }
}
