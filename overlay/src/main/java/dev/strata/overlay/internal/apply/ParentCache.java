package dev.strata.overlay.internal.apply;

import dev.strata.linux.Fd;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The directory the previous member lived in, kept open with its stat: a tar lists a directory's
 * members one after the other, so most members skip the lookup ({@code openat2}) and the stat.
 * The descriptor is reused only while {@link RootedTree#generation()} is unchanged, i.e. nothing
 * was removed or replaced since it was opened, so it is still the directory the path names.
 * Callers must not close what {@link #open} returns.
 */
final class ParentCache implements AutoCloseable {
  private final RootedTree tree;
  private @Nullable String path;
  private @Nullable Fd fd;
  private @Nullable Statx stat;
  private long generation;

  ParentCache(RootedTree tree) {
    this.tree = tree;
  }

  /** The directory {@code parts} names, made like {@link RootedTree#openDirectory} when missing. */
  Fd open(List<String> parts, String entry) throws IOException {
    String key = String.join("/", parts);
    if (fd != null && key.equals(path) && generation == tree.generation()) {
      return fd;
    }
    close();
    Fd opened = tree.openDirectory(parts, entry);
    try {
      stat = Posix.lstatat(opened, "", entry);
    } catch (IOException | RuntimeException e) {
      opened.close();
      throw e;
    }
    fd = opened;
    path = key;
    generation = tree.generation(); // after the lookup, which may itself replace a whiteout
    return opened;
  }

  /** The stat of the directory {@link #open} last returned. */
  Statx stat() {
    if (stat == null) {
      throw new IllegalStateException("no directory open");
    }
    return stat;
  }

  @Override
  public void close() {
    if (fd != null) {
      fd.close();
    }
    fd = null;
    path = null;
    stat = null;
  }
}
