package dev.strata.overlay.internal.apply;

import dev.strata.linux.Fd;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The directories an overlay-upper apply made for members' parents (0755, the caller's), given
 * the attributes of the lower directory they shadow once the layer's members are written: an
 * upper directory made without a member of its own would otherwise show in the merged view as
 * the caller's, now, instead of the lower one (containerd's {@code mkparent} does the same).
 *
 * <p>Resolving them at the end rather than as each is made lets the lowers be incomplete while
 * the members are written (a parallel unpack) and lets a member naming the same directory later
 * in the layer win wholly. A directory is identified by its inode, so one a later member replaced
 * is left alone.
 */
final class ImplicitDirectories {
  private record Made(List<String> parts, long dev, long ino, String entry) {}

  private final List<Made> made = new ArrayList<>();

  /** {@code name} in {@code parent}, at {@code parts} below the root, was just made for {@code entry}. */
  void made(Fd parent, String name, List<String> parts, String entry) throws IOException {
    Statx st = Posix.lstatat(parent, name, entry);
    made.add(new Made(List.copyOf(parts), st.dev(), st.ino(), entry));
  }

  boolean isEmpty() {
    return made.isEmpty();
  }

  /**
   * Gives each directory still made by the applier the owner and xattrs of the lower directory at
   * its path now, its mode and mtime through {@code directories} with the others at the end.
   */
  void resolve(RootedTree tree, LowerDirectories lowers, Attributes attributes, DeferredDirectories directories)
      throws IOException {
    for (Made m : made) {
      if (directories.names(m.dev(), m.ino())) {
        continue; // a member of this layer names it: its attributes win
      }
      Optional<LowerDirectories.DirAttributes> lower = lowers.find(String.join("/", m.parts()), m.entry());
      if (lower.isEmpty()) {
        continue;
      }
      try (Fd parent = tree.openExisting(m.parts().subList(0, m.parts().size() - 1), m.entry())) {
        if (parent == null) {
          continue;
        }
        String name = m.parts().getLast();
        Statx st = RootedTree.lstatOrNull(parent, name, m.entry());
        if (st == null || !st.isDirectory() || st.dev() != m.dev() || st.ino() != m.ino()) {
          continue;
        }
        LowerDirectories.DirAttributes a = lower.get();
        attributes.ownerAndXattrs(parent, name, a.uid(), a.gid(), a.xattrs(), m.entry());
        directories.addImplicit(m.parts(), st, a.permissions(), a.mtime(), m.entry());
      }
    }
  }
}
