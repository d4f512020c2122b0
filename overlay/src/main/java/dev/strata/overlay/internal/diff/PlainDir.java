package dev.strata.overlay.internal.diff;

import dev.strata.linux.Directories;
import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.linux.Xattrs;
import dev.strata.overlay.Whiteouts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A directory of a plain tree, held by a descriptor; children are opened relative to it with
 * {@code O_NOFOLLOW}, so a symlink is never followed. Stats are cached per name.
 */
final class PlainDir implements DirView {
  private final Fd fd;
  private final String path; // for messages
  private @Nullable List<String> names;
  private final Map<String, Statx> stats = new HashMap<>();

  PlainDir(Fd fd, String path) {
    this.fd = fd;
    this.path = path;
  }

  /** Opens the tree whose root is {@code hostPath} (a byte-per-char absolute path). */
  static PlainDir root(String hostPath) throws IOException {
    return new PlainDir(Posix.openTree(hostPath), "");
  }

  Fd fd() {
    return fd;
  }

  String path() {
    return path;
  }

  String subject(String name) {
    return path.isEmpty() ? name : path + "/" + name;
  }

  @Override
  public List<String> names() throws IOException {
    if (names == null) {
      List<String> n = new ArrayList<>(Directories.list(fd, path.isEmpty() ? "." : path));
      Collections.sort(n); // chars are bytes: String order is byte order
      names = n;
    }
    return names;
  }

  @Override
  public @Nullable Statx stat(String name) throws IOException {
    Statx st = stats.get(name);
    if (st == null) {
      try {
        st = Posix.lstatat(fd, name, subject(name));
      } catch (LinuxException e) {
        if (e.errno() == Errno.ENOENT) {
          return null;
        }
        throw e;
      }
      stats.put(name, st);
    }
    return st;
  }

  @Override
  public @Nullable PlainDir child(String name) throws IOException {
    Statx st = stat(name);
    if (st == null || !st.isDirectory()) {
      return null;
    }
    Fd child = Posix.openat(fd, name,
        Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, subject(name));
    return new PlainDir(child, subject(name));
  }

  @Override
  public SortedMap<String, byte[]> xattrs(String name) throws IOException {
    SortedMap<String, byte[]> all = new TreeMap<>(Xattrs.all(fd, name, subject(name)));
    all.keySet().removeIf(Whiteouts::isOverlayXattr);
    return all;
  }

  /** Whether this directory carries {@code opaqueXattr=y}: overlayfs stops merging below it. */
  boolean isOpaque(String opaqueXattr) throws IOException {
    byte[] v = ownXattr(opaqueXattr);
    return v != null && v.length == 1 && v[0] == 'y';
  }

  /** The raw value of {@code xattr} on this directory itself, or null. */
  byte @Nullable [] ownXattr(String xattr) throws IOException {
    return Xattrs.all(fd, "", path).get(xattr);
  }

  @Override
  public String readlink(String name) throws IOException {
    return Posix.readlinkat(fd, name, subject(name));
  }

  @Override
  public Fd open(String name) throws IOException {
    return Posix.openat(fd, name, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, subject(name));
  }

  @Override
  public void close() {
    fd.close();
  }
}
