package dev.strata.overlay.internal.diff;

import dev.strata.linux.Fd;
import dev.strata.linux.FileIo;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds what changed between a lower and an upper tree, directory by directory, in lockstep.
 *
 * <p><b>Double walk</b> ({@code overlay == false}): both trees are plain; every directory of the
 * upper tree is visited. <b>Overlay upper</b> ({@code overlay == true}): the upper tree is an
 * overlayfs upper directory over {@code lower} (the union of the lower stack); a directory the
 * upper dir merges with the lower one ("merge" below) only reports its own entries and its
 * whiteout devices, so names the upper dir does not hold are never visited. Below an opaque or a
 * new directory nothing is merged and the walk is a double walk again (overlayfs ignores the
 * lower layers there too). Both modes report the same changes for the same merged view; see
 * docs/changesets.md for the rules.
 */
final class ChangeWalker {
  enum Kind { ENTRY, DELETE, OPAQUE }

  record Change(String path, Kind kind) {}

  record Inode(long dev, long ino) {}

  private final boolean overlay;
  private final String opaqueXattr;
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment a = arena.allocate(64 * 1024);
  private final MemorySegment b = arena.allocate(64 * 1024);
  final List<Change> changes = new ArrayList<>();
  /** Every upper regular file with more than one link, by inode: the hardlink groups of the upper tree. */
  final Map<Inode, List<String>> links = new HashMap<>();

  ChangeWalker(boolean overlay, String opaqueXattr) {
    this.overlay = overlay;
    this.opaqueXattr = opaqueXattr;
  }

  /** Walks from the roots; {@code lower} is closed by the caller. */
  void walkRoots(DirView lower, PlainDir upper) throws IOException {
    try {
      walk("", lower, upper, overlay && !upper.isOpaque(opaqueXattr));
    } finally {
      arena.close();
    }
  }

  private void walk(String path, @Nullable DirView lower, PlainDir upper, boolean merge) throws IOException {
    List<String> real = new ArrayList<>();
    Set<String> whited = new HashSet<>();
    for (String name : upper.names()) {
      if (overlay && upper.stat(name).isOverlayWhiteout()) {
        whited.add(name); // hides a lower name only where the directory merges
      } else {
        real.add(name);
      }
    }
    List<String> deleted = new ArrayList<>();
    boolean opaque;
    if (merge) {
      for (String name : whited) {
        if (lower.stat(name) != null) {
          deleted.add(name);
        }
      }
      opaque = !deleted.isEmpty() && whited.containsAll(lower.names());
    } else {
      List<String> lowerNames = lower == null ? List.of() : lower.names();
      Set<String> realSet = new HashSet<>(real);
      for (String name : lowerNames) {
        if (!realSet.contains(name)) {
          deleted.add(name);
        }
      }
      opaque = !lowerNames.isEmpty() && deleted.size() == lowerNames.size();
    }
    // Canonical form (both modes): when no lower child survives, one opaque marker says it;
    // otherwise one whiteout per deleted name.
    if (opaque) {
      changes.add(new Change(path, Kind.OPAQUE));
    } else {
      for (String name : deleted) {
        changes.add(new Change(join(path, name), Kind.DELETE));
      }
    }
    for (String name : real) {
      String p = join(path, name);
      Statx u = upper.stat(name);
      Statx l = lower == null ? null : lower.stat(name);
      if (u.isRegular() && u.nlink() > 1) {
        links.computeIfAbsent(new Inode(u.dev(), u.ino()), k -> new ArrayList<>()).add(p);
      }
      if (l == null || !same(l, u, lower, upper, name)) {
        changes.add(new Change(p, Kind.ENTRY));
      }
      if (u.isDirectory()) {
        try (PlainDir uc = upper.child(name);
            DirView lc = l != null && l.isDirectory() ? lower.child(name) : null) {
          boolean childMerge = merge && lc != null && !uc.isOpaque(opaqueXattr);
          walk(p, lc, uc, childMerge);
        }
      }
    }
  }

  /**
   * containerd's sameness (continuity fs/path.go sameFile), made stricter where a round trip
   * needs it: type, permission bits, owner, xattrs (all of them, not only security.capability),
   * mtime to the nanosecond on every type (containerd skips directories), size, link count
   * (so hardlink groups that grew or shrank are re-emitted), device numbers and symlink targets
   * (always, not only when nanoseconds are zero). Content is read only when both mtimes have zero
   * nanoseconds, containerd's "timestamps may have been truncated" rule.
   */
  private boolean same(Statx l, Statx u, DirView ld, PlainDir ud, String name) throws IOException {
    if (l.type() != u.type() || l.permissions() != u.permissions() || l.uid() != u.uid() || l.gid() != u.gid()
        || l.mtimeSeconds() != u.mtimeSeconds() || l.mtimeNanos() != u.mtimeNanos()) {
      return false;
    }
    switch (u.type()) {
      case Posix.S_IFREG -> {
        if (l.size() != u.size() || l.nlink() != u.nlink()) {
          return false;
        }
      }
      case Posix.S_IFLNK -> {
        if (!ld.readlink(name).equals(ud.readlink(name))) {
          return false;
        }
      }
      case Posix.S_IFCHR, Posix.S_IFBLK -> {
        if (l.rdevMajor() != u.rdevMajor() || l.rdevMinor() != u.rdevMinor()) {
          return false;
        }
      }
      default -> {}
    }
    if (!sameXattrs(ld.xattrs(name), ud.xattrs(name))) {
      return false;
    }
    if (u.isRegular() && u.mtimeNanos() == 0 && u.size() > 0) {
      return sameContent(ld, ud, name, u.size());
    }
    return true;
  }

  private static boolean sameXattrs(SortedMap<String, byte[]> x, SortedMap<String, byte[]> y) {
    if (!x.keySet().equals(y.keySet())) {
      return false;
    }
    Iterator<byte[]> i = y.values().iterator();
    for (byte[] v : x.values()) {
      if (!Arrays.equals(v, i.next())) {
        return false;
      }
    }
    return true;
  }

  private boolean sameContent(DirView ld, PlainDir ud, String name, long size) throws IOException {
    try (Fd fa = ld.open(name); Fd fb = ud.open(name)) {
      long done = 0;
      while (done < size) {
        long na = readFully(fa, a, name);
        long nb = readFully(fb, b, name);
        if (na != nb || na == 0 || MemorySegment.mismatch(a, 0, na, b, 0, nb) >= 0) {
          return false;
        }
        done += na;
      }
      return true;
    }
  }

  private static long readFully(Fd fd, MemorySegment buf, String name) throws IOException {
    long n = 0;
    while (n < buf.byteSize()) {
      long r = FileIo.read(fd, buf.asSlice(n), buf.byteSize() - n, name);
      if (r == 0) {
        break;
      }
      n += r;
    }
    return n;
  }

  static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }
}
