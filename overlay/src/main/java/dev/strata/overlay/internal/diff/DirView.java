package dev.strata.overlay.internal.diff;

import dev.strata.linux.Statx;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One directory of a tree being compared: its children's names and attributes. A view owns
 * descriptors: close it when done. Names are byte-per-char strings.
 */
interface DirView extends AutoCloseable {
  /** The names in this directory, sorted by their bytes. */
  List<String> names() throws IOException;

  /** The attributes of {@code name} (never following a symlink), or null when it does not exist here. */
  @Nullable Statx stat(String name) throws IOException;

  /** The subdirectory {@code name}, or null when it is not a directory here. */
  @Nullable DirView child(String name) throws IOException;

  /** {@code name}'s xattrs, sorted, without overlayfs' own. */
  java.util.SortedMap<String, byte[]> xattrs(String name) throws IOException;

  /** The target of the symlink {@code name}. */
  String readlink(String name) throws IOException;

  /** The open file {@code name}, for reading its content. */
  dev.strata.linux.Fd open(String name) throws IOException;

  @Override
  void close();
}
