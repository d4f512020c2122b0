package dev.strata.overlay.internal.apply;

import dev.strata.linux.Fd;
import dev.strata.linux.FileTimes;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Directory modes and times, set once the whole layer is written, deepest first: writing a child
 * changes its directory's mtime, and a read-only mode set early would stop a non-root apply from
 * writing the children. A directory is identified by its inode too, so one that a later member
 * replaced (by a symlink, say) is left alone rather than reached through the new name.
 */
final class DeferredDirectories {
  private record Pending(List<String> parts, long dev, long ino, int mode, Instant mtime, String entry) {}

  private record Inode(long dev, long ino) {}

  private final Map<String, Pending> pending = new LinkedHashMap<>();
  /** Implicit parents given a lower directory's attributes; a member for the same inode wins. */
  private final Map<Inode, Pending> implicit = new LinkedHashMap<>();

  /** A directory member: its mode and mtime, set at the end. */
  void add(EntryPath path, Statx dir, int mode, Instant mtime, String entry) {
    pending.put(path.path(), new Pending(path.parts(), dir.dev(), dir.ino(), mode, mtime, entry));
    implicit.remove(new Inode(dir.dev(), dir.ino()));
  }

  /** Whether a directory member of this layer named the directory with this inode. */
  boolean names(long dev, long ino) {
    for (Pending p : pending.values()) {
      if (p.dev() == dev && p.ino() == ino) {
        return true;
      }
    }
    return false;
  }

  /**
   * A directory made for a member's parent that takes a lower directory's mode and mtime, unless a
   * member of this layer names it too (before or after).
   */
  void addImplicit(List<String> parts, Statx dir, int mode, Instant mtime, String entry) {
    if (names(dir.dev(), dir.ino())) {
      return;
    }
    implicit.put(new Inode(dir.dev(), dir.ino()), new Pending(List.copyOf(parts), dir.dev(), dir.ino(), mode, mtime, entry));
  }

  void apply(RootedTree tree) throws IOException {
    List<Pending> all = new ArrayList<>(pending.values());
    all.addAll(implicit.values());
    all.sort(Comparator.comparingInt((Pending p) -> p.parts().size()).reversed());
    for (Pending p : all) {
      if (p.parts().isEmpty()) {
        Statx st = Posix.lstatat(tree.root(), "", p.entry());
        if (st.ino() == p.ino() && st.dev() == p.dev()) {
          Posix.fchmod(tree.root(), p.mode(), p.entry());
          Posix.lutimesat(tree.root(), "", new FileTimes(p.mtime(), null), p.entry());
        }
        continue;
      }
      try (Fd parent = tree.openExisting(p.parts().subList(0, p.parts().size() - 1), p.entry())) {
        if (parent == null) {
          continue;
        }
        String name = p.parts().getLast();
        Statx st = RootedTree.lstatOrNull(parent, name, p.entry());
        if (st != null && st.isDirectory() && st.ino() == p.ino() && st.dev() == p.dev()) {
          Attributes.modeAndTimes(parent, name, p.mode(), p.mtime(), false, p.entry());
        }
      }
    }
  }
}
