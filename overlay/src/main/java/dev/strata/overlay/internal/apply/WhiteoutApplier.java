package dev.strata.overlay.internal.apply;

import dev.strata.linux.Fd;
import dev.strata.linux.Statx;
import java.io.IOException;

/**
 * The two whiteout markers on both targets. A whiteout hides lower content only (image-spec
 * layer.md): when the layer itself made the name, the marker cannot mean "delete my own entry",
 * so for a directory it means "my directory replaces the lower one" (opaque), and for anything
 * else nothing is left to hide.
 */
final class WhiteoutApplier {
  private final RootedTree tree;
  private final WhiteoutFormat format;

  WhiteoutApplier(RootedTree tree, WhiteoutFormat format) {
    this.tree = tree;
    this.format = format;
  }

  /** {@code .wh.NAME} in {@code parent}. */
  void whiteout(Fd parent, Statx parentStat, String name, String entry) throws IOException {
    DirentKey key = DirentKey.of(parentStat, name);
    if (tree.isTouched(key)) {
      Statx st = RootedTree.lstatOrNull(parent, name, entry);
      if (st != null && st.isDirectory()) {
        format.replaceLower(tree, parent, name, entry);
      }
      return;
    }
    tree.remove(parent, name, entry);
    format.whiteout(tree, parent, name, key, entry);
  }

  /** {@code .wh..wh..opq} in the directory {@code dir}. */
  void opaque(Fd dir, String entry) throws IOException {
    format.opaque(tree, dir, entry);
  }
}
