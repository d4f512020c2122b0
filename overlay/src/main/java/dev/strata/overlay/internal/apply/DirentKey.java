package dev.strata.overlay.internal.apply;

import dev.strata.linux.Statx;

/**
 * A directory entry: a name in one directory inode. Whiteout rules ask "did this layer make
 * that entry?"; keying by the parent's inode rather than by path keeps the answer right when the
 * layer reached the directory through a symlink.
 *
 * @param dev device of the parent directory
 * @param dir inode of the parent directory
 * @param name the entry's name in it
 */
record DirentKey(long dev, long dir, String name) {
  static DirentKey of(Statx parent, String name) {
    return new DirentKey(parent.dev(), parent.ino(), name);
  }
}
