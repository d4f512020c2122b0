package dev.strata.overlay.internal.apply;

import dev.strata.linux.Fd;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The two whiteout markers on both targets. A whiteout hides lower content only (image-spec
 * layer.md): when the layer itself made the name, the marker cannot mean "delete my own entry",
 * so for a directory it means "my directory replaces the lower one" (opaque), and for anything
 * else nothing is left to hide.
 */
final class WhiteoutApplier {
  private final RootedTree tree;
  private final @Nullable OverlayMarkers overlay;

  /** {@code overlay} null: a plain tree. */
  WhiteoutApplier(RootedTree tree, @Nullable OverlayMarkers overlay) {
    this.tree = tree;
    this.overlay = overlay;
  }

  /** {@code .wh.NAME} in {@code parent}. */
  void whiteout(Fd parent, Statx parentStat, String name, String entry) throws IOException {
    DirentKey key = DirentKey.of(parentStat, name);
    if (tree.isTouched(key)) {
      Statx st = RootedTree.lstatOrNull(parent, name, entry);
      if (st != null && st.isDirectory()) {
        if (overlay == null) {
          try (Fd dir = Posix.openat(parent, name, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, entry)) {
            tree.removeLowerChildren(dir, entry);
          }
        } else {
          overlay.opaque(parent, name, entry);
        }
      }
      return;
    }
    tree.remove(parent, name, entry);
    if (overlay != null) {
      overlay.whiteout(parent, name, entry);
      tree.whitedOut(key);
    }
  }

  /** {@code .wh..wh..opq} in the directory {@code dir}. */
  void opaque(Fd dir, String entry) throws IOException {
    if (overlay == null) {
      tree.removeLowerChildren(dir, entry);
    } else {
      overlay.opaque(dir, "", entry);
    }
  }
}
