package dev.strata.overlay.internal.apply;

import static dev.strata.overlay.internal.posix.Posix.O_CLOEXEC;
import static dev.strata.overlay.internal.posix.Posix.O_NOFOLLOW;
import static dev.strata.overlay.internal.posix.Posix.O_PATH;
import static dev.strata.overlay.internal.posix.Posix.RESOLVE_IN_ROOT;
import static dev.strata.overlay.internal.posix.Posix.RESOLVE_NO_MAGICLINKS;

import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.internal.posix.Errno;
import dev.strata.overlay.internal.posix.Errno.PosixException;
import dev.strata.overlay.internal.posix.Fd;
import dev.strata.overlay.internal.posix.Posix;
import dev.strata.overlay.internal.posix.Stat;
import dev.strata.overlay.internal.posix.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The lower directories of an overlay mount, read (never written) so that a directory the applier
 * has to create in the upper directory for a member's parent shows, in the merged view, what the
 * lower directory showed: containerd's applier does the same (its {@code mkparent} with the
 * parent layers).
 *
 * <p>Lookups are confined like the upper tree's: {@code openat2(lowerRoot, path, RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS)}, so a symlink inside a lower is followed inside that lower only, and the
 * final component is never followed: only a real directory gives attributes.
 */
final class LowerDirectories implements AutoCloseable {
  /**
   * A lower directory's attributes.
   *
   * @param permissions mode bits with setuid, setgid and sticky
   * @param uid owner
   * @param gid group
   * @param mtime modification time
   * @param xattrs every xattr this process can read, overlayfs' own left out
   */
  record DirAttributes(int permissions, long uid, long gid, Instant mtime, Map<String, byte[]> xattrs) {}

  private final List<Fd> roots;

  private LowerDirectories(List<Fd> roots) {
    this.roots = roots;
  }

  /** Opens {@code dirs} (nearest first), trusted host paths from the mount's options. */
  static LowerDirectories open(List<Path> dirs) throws IOException {
    List<Fd> roots = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        String host = new String(
            dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        roots.add(Posix.openTree(host));
      }
    } catch (IOException | RuntimeException e) {
      roots.forEach(Fd::close);
      throw e;
    }
    return new LowerDirectories(roots);
  }

  boolean isEmpty() {
    return roots.isEmpty();
  }

  /**
   * The attributes of {@code path} in the first lower directory that has it (overlayfs' order), if
   * that is a directory. Empty when no lower has it, or when the first that has it holds anything
   * else there (a file, a symlink, a whiteout; a non-directory on the way): then the lower
   * directories below it are hidden, and containerd uses the defaults too.
   */
  Optional<DirAttributes> find(String path, String entry) throws IOException {
    for (Fd root : roots) {
      Fd fd;
      try {
        fd = Posix.openat2(root, path, O_PATH | O_NOFOLLOW | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, entry);
      } catch (PosixException e) {
        if (e.errno() == Errno.ENOENT) {
          continue; // not in this lower: look below it
        }
        if (e.errno() == Errno.ENOTDIR || e.errno() == Errno.ELOOP || e.errno() == Errno.EXDEV) {
          return Optional.empty();
        }
        throw e;
      }
      try (fd) {
        Stat st = Posix.lstatat(fd, "", entry);
        if (!st.isDirectory()) {
          return Optional.empty();
        }
        Map<String, byte[]> xattrs = new TreeMap<>(Xattrs.all(fd, "", entry));
        xattrs.keySet().removeIf(Whiteouts::isOverlayXattr);
        return Optional.of(new DirAttributes(st.permissions(), st.uid(), st.gid(), st.mtime(), xattrs));
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    roots.forEach(Fd::close);
  }
}
