package dev.strata.fuse.internal;

import dev.strata.linux.Directories;
import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.linux.Xattrs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The live union of a writable mount: an upper directory (layer 0, changing while mounted) over
 * read-only lower directories (1..n, nearest first), all in overlayfs' format, resolved on every
 * call as kernel overlayfs resolves them. A whiteout (character device 0/0) hides the name in every
 * layer below; a directory's members are the layers holding a directory at its path, down to the
 * first non-directory or through the first opaque one ({@code trusted.overlay.opaque=y}, or {@code
 * user.overlay.opaque} when rootless). Paths are relative byte strings ({@code ""} is the root).
 *
 * <p>Not thread-safe by itself: {@link WritableOps} serializes the calls that change the tree.
 */
final class WritableUnion {
  private final List<String> layers;
  private final String privatePrefix;

  /**
   * @param upper the upper directory (a byte string, see {@code dev.strata.linux.Names})
   * @param lowers the lower directories, nearest first
   * @param userxattr whether overlayfs' own xattrs are {@code user.overlay.*} (rootless) rather
   *     than {@code trusted.overlay.*}
   */
  WritableUnion(String upper, List<String> lowers, boolean userxattr) {
    List<String> all = new ArrayList<>();
    all.add(upper);
    all.addAll(lowers);
    this.layers = List.copyOf(all);
    this.privatePrefix = userxattr ? "user.overlay." : "trusted.overlay.";
  }

  /**
   * A name as the union shows it.
   *
   * @param path its union path
   * @param layers every layer with an entry there that no whiteout hides, top first (layer 0 is
   *     the upper directory); the first one is what the union shows
   * @param top what the first one is
   */
  record Found(String path, List<Integer> layers, Statx top) {
    boolean isDirectory() {
      return top.isDirectory();
    }

    /** Whether the upper directory holds what is shown. */
    boolean inUpper() {
      return layers.getFirst() == 0;
    }

    /** Whether a lower layer has something at this name: removing it then needs a whiteout. */
    boolean lowerPositive() {
      return layers.stream().anyMatch(l -> l > 0);
    }
  }

  /** overlayfs' own xattr namespace here: hidden from the union, never copied up. */
  String privatePrefix() {
    return privatePrefix;
  }

  String opaqueKey() {
    return privatePrefix + "opaque";
  }

  /** The host path of {@code path} in {@code layer}. */
  String host(int layer, String path) {
    return path.isEmpty() ? layers.get(layer) : layers.get(layer) + "/" + path;
  }

  /** The union path of {@code name} in the directory {@code parent}. */
  static String child(String parent, String name) {
    return parent.isEmpty() ? name : parent + "/" + name;
  }

  static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** What the union shows at {@code path}, if anything. */
  Optional<Found> resolve(String path) throws IOException {
    List<Integer> members = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      members.add(i);
    }
    // the root merges every layer (an opaque mark on a layer's root is ignored, as overlayfs does)
    Found found = new Found("", List.copyOf(members), lstat(layers.get(0)).orElseThrow());
    if (path.isEmpty()) {
      return Optional.of(found);
    }
    String at = "";
    for (String name : path.split("/")) {
      if (!found.isDirectory()) {
        return Optional.empty();
      }
      if (!at.isEmpty()) {
        members = members(found);
      }
      at = child(at, name);
      Optional<Found> next = gather(at, members);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      found = next.get();
    }
    return Optional.of(found);
  }

  /** The entries at {@code path} in {@code members}, top first, down to the first whiteout. */
  private Optional<Found> gather(String path, List<Integer> members) throws IOException {
    List<Integer> with = new ArrayList<>();
    Statx top = null;
    for (int layer : members) {
      Optional<Statx> st = lstat(host(layer, path));
      if (st.isEmpty()) {
        continue;
      }
      if (st.get().isOverlayWhiteout()) {
        break;
      }
      if (top == null) {
        top = st.get();
      }
      with.add(layer);
    }
    return top == null ? Optional.empty() : Optional.of(new Found(path, with, top));
  }

  /** The layers a directory's listing merges: directories from the top, through the first opaque one. */
  List<Integer> members(Found dir) throws IOException {
    List<Integer> out = new ArrayList<>();
    for (int layer : dir.layers()) {
      Optional<Statx> st = lstat(host(layer, dir.path()));
      if (st.isEmpty() || !st.get().isDirectory()) {
        break;
      }
      out.add(layer);
      if (opaque(host(layer, dir.path()))) {
        break;
      }
    }
    return out;
  }

  /** Whether a lower layer shows through the directory {@code dir}: kernel overlayfs calls it merged. */
  boolean merged(Found dir) throws IOException {
    return members(dir).stream().anyMatch(l -> l > 0);
  }

  /** One name of a directory listing. */
  record Child(String name, Statx stat) {}

  /** The union's entries of the directory {@code dir}: upper names first, then each lower's new ones. */
  List<Child> list(Found dir) throws IOException {
    List<Child> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int layer : members(dir)) {
      String host = host(layer, dir.path());
      try (Fd fd = Posix.openat(Fd.CWD, host, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC | Posix.O_NOFOLLOW, 0, host)) {
        for (String name : Directories.list(fd, host)) {
          if (!seen.add(name)) {
            continue;
          }
          Optional<Statx> st = lstat(host + "/" + name);
          if (st.isPresent() && !st.get().isOverlayWhiteout()) {
            out.add(new Child(name, st.get()));
          }
        }
      }
    }
    return out;
  }

  /** Whether the host directory {@code host} carries overlayfs' opaque mark. */
  boolean opaque(String host) throws IOException {
    try (Fd fd = Posix.openat(Fd.CWD, host, Posix.O_PATH | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, host)) {
      byte[] value = Xattrs.get(fd, "", opaqueKey(), host);
      return value != null && value.length == 1 && value[0] == 'y';
    } catch (LinuxException e) {
      if (e.errno() == Errno.EOPNOTSUPP) {
        return false;
      }
      throw e;
    }
  }

  /** lstat of a host path; empty when there is nothing there. */
  static Optional<Statx> lstat(String host) throws IOException {
    try {
      return Optional.of(Posix.lstatat(Fd.CWD, host, host));
    } catch (LinuxException e) {
      if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** A host path as its parent directory, held open, and its last name: what the {@code *at} calls take. */
  record At(Fd dir, String name) implements AutoCloseable {
    @Override
    public void close() {
      dir.close();
    }
  }

  /** {@code host} as an {@link At}; the root of a layer too. */
  static At at(String host) throws IOException {
    String parent = parentOf(host);
    return new At(Posix.openat(Fd.CWD, parent.isEmpty() ? "/" : parent, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, host), nameOf(host));
  }

  /** Every xattr of the host entry {@code host}, never following it. */
  static java.util.Map<String, byte[]> xattrs(String host) throws IOException {
    try (At at = at(host)) {
      return new java.util.TreeMap<>(Xattrs.all(at.dir(), at.name(), host));
    }
  }
}
