package dev.strata.overlay.internal.union;

import static dev.strata.linux.Posix.O_CLOEXEC;
import static dev.strata.linux.Posix.O_DIRECTORY;
import static dev.strata.linux.Posix.O_NOFOLLOW;
import static dev.strata.linux.Posix.O_PATH;
import static dev.strata.linux.Posix.O_RDONLY;
import static dev.strata.linux.Posix.RESOLVE_BENEATH;
import static dev.strata.linux.Posix.RESOLVE_NO_SYMLINKS;

import dev.strata.linux.Directories;
import dev.strata.linux.Fd;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.linux.Xattrs;
import dev.strata.overlay.Whiteouts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The union of a stack of layer directories, read the way overlayfs reads it
 * (Documentation/filesystems/overlayfs.rst) and the way the OCI image-spec applies layers: layers
 * are held top (nearest) first; the first layer that has a name decides it; a whiteout there
 * ({@link Markers}) deletes it; a non-directory hides every deeper layer's entry of its name; a
 * directory merges with the directories of that name below it until a layer holds a
 * non-directory or a whiteout there, or until an opaque directory.
 *
 * <p>Paths are relative, {@code /}-separated, byte-per-char (the posix layer's names); {@code ""}
 * is the root. Each layer's directory is opened with {@code openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS)} from that layer's root, so a symlink in a layer is never followed, and
 * its entries are {@code lstat}ed relative to it. A merged directory's names are read once, and
 * each name is resolved once (on demand, or all at once for a listing), for the life of the stack:
 * layers are treated as immutable while viewed. Thread-safe.
 */
public final class LayerStack implements AutoCloseable {
  /**
   * One name of a merged directory and the layer that decides it.
   *
   * @param name the name (one component)
   * @param layer index of the deciding layer, 0 = top
   * @param stat its attributes in that layer, never following a symlink
   * @param mergeLayers for a directory, the layers whose directory of this name it merges (top
   *     first, not yet cut at an opaque one); empty otherwise
   */
  public record Child(String name, int layer, Statx stat, List<Integer> mergeLayers) {}

  /**
   * A merged directory: the layers it merges and their names, read once; its children are
   * resolved name by name on demand ({@link #child}) or all at once ({@link #children}).
   */
  public static final class Dir {
    private final String path;
    private final List<Integer> layers;
    private final List<Set<String>> names;
    /** Names resolved so far (a missing one as empty): one answer per name for the life of the stack. */
    private final Map<String, Optional<Child>> resolved = new ConcurrentHashMap<>();
    private volatile @Nullable List<Child> children;

    private Dir(String path, List<Integer> layers, List<Set<String>> names) {
      this.path = path;
      this.layers = List.copyOf(layers);
      this.names = List.copyOf(names);
    }

    /** Its path in the union. */
    public String path() {
      return path;
    }

    /** The layers it merges, top first, cut after an opaque one. */
    public List<Integer> layers() {
      return layers;
    }
  }

  private final List<Fd> roots;
  private final Markers markers;
  private final Map<String, Dir> dirs = new ConcurrentHashMap<>();
  private final Child root;

  private LayerStack(List<Fd> roots, Markers markers) throws IOException {
    this.roots = roots;
    this.markers = markers;
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      all.add(i);
    }
    this.root = new Child("", 0, Posix.lstatat(roots.get(0), "", ""), all);
  }

  /**
   * Opens the stack whose layers are the trusted host directories {@code hostPaths} (byte-per-char,
   * top first, at least one).
   */
  public static LayerStack open(List<String> hostPaths, Markers markers) throws IOException {
    if (hostPaths.isEmpty()) {
      throw new IllegalArgumentException("a layer stack needs at least one layer");
    }
    List<Fd> roots = new ArrayList<>();
    try {
      for (String p : hostPaths) {
        roots.add(Posix.openTree(p));
      }
      return new LayerStack(roots, markers);
    } catch (IOException | RuntimeException e) {
      roots.forEach(Fd::close);
      throw e;
    }
  }

  /** The number of layers. */
  public int depth() {
    return roots.size();
  }

  /** The entry at {@code path}, or empty when no layer shows one there. */
  public Optional<Child> lookup(String path) throws IOException {
    if (path.isEmpty()) {
      return Optional.of(root);
    }
    int slash = path.lastIndexOf('/');
    Optional<Dir> parent = directory(slash < 0 ? "" : path.substring(0, slash));
    return parent.isEmpty() ? Optional.empty() : child(parent.get(), path.substring(slash + 1));
  }

  /** The merged directory at {@code path}, or empty when there is none (missing, not a directory). */
  public Optional<Dir> directory(String path) throws IOException {
    Dir known = dirs.get(path);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Child> self = lookup(path);
    if (self.isEmpty() || !self.get().stat().isDirectory()) {
      return Optional.empty();
    }
    Dir built = read(path, self.get().mergeLayers());
    Dir raced = dirs.putIfAbsent(path, built);
    return Optional.of(raced != null ? raced : built);
  }

  /** The child {@code name} of {@code dir}, or empty when the union shows none. */
  public Optional<Child> child(Dir dir, String name) throws IOException {
    Optional<Child> known = dir.resolved.get(name);
    if (known != null) {
      return known;
    }
    if (dir.children != null) {
      return Optional.empty(); // every visible name is resolved
    }
    Fd[] fds = new Fd[dir.layers.size()];
    try {
      return resolveOnce(dir, name, fds);
    } finally {
      closeAll(fds);
    }
  }

  /** Every visible child of {@code dir}, sorted by name (bytes); resolved once. */
  public List<Child> children(Dir dir) throws IOException {
    List<Child> known = dir.children;
    if (known != null) {
      return known;
    }
    TreeSet<String> candidates = new TreeSet<>(); // chars are bytes: String order is byte order
    for (Set<String> layer : dir.names) {
      for (String n : layer) {
        if (!(markers.ociFiles() && n.startsWith(Whiteouts.PREFIX))) {
          candidates.add(n);
        }
      }
    }
    List<Child> out = new ArrayList<>();
    Fd[] fds = new Fd[dir.layers.size()];
    try {
      for (String n : candidates) {
        Optional<Child> done = dir.resolved.get(n);
        (done != null ? done : resolveOnce(dir, n, fds)).ifPresent(out::add);
      }
    } finally {
      closeAll(fds);
    }
    dir.children = List.copyOf(out);
    return dir.children;
  }

  private Optional<Child> resolveOnce(Dir dir, String name, Fd[] fds) throws IOException {
    Optional<Child> found = resolve(dir, name, fds);
    Optional<Child> raced = dir.resolved.putIfAbsent(name, found);
    return raced != null ? raced : found;
  }

  /**
   * The one rule: the first layer that has {@code name} (or, in the OCI form, a {@code .wh.name}
   * beside it) decides it; a directory then merges the directories of that name below it until a
   * layer holds a non-directory or a whiteout there, or whites it out for the layers below.
   */
  private Optional<Child> resolve(Dir dir, String name, Fd[] fds) throws IOException {
    if (markers.ociFiles() && name.startsWith(Whiteouts.PREFIX)) {
      return Optional.empty(); // a marker, never an entry
    }
    String whiteout = Whiteouts.PREFIX + name;
    Child owner = null;
    List<Integer> merge = new ArrayList<>();
    for (int i = 0; i < dir.layers.size(); i++) {
      Set<String> names = dir.names.get(i);
      boolean ociWhiteout = markers.ociFiles() && names.contains(whiteout);
      if (names.contains(name)) {
        int layer = dir.layers.get(i);
        Statx st = Posix.lstatat(fd(dir, i, fds), name, join(dir.path, name));
        boolean dead = markers.deviceWhiteouts() && st.isOverlayWhiteout();
        if (owner == null) {
          if (dead) {
            return Optional.empty();
          }
          owner = new Child(name, layer, st, List.of());
          if (!st.isDirectory()) {
            break;
          }
        } else if (dead || !st.isDirectory()) {
          break; // a non-directory or a whiteout hides everything deeper
        }
        merge.add(layer);
      } else if (ociWhiteout && owner == null) {
        return Optional.empty();
      }
      if (ociWhiteout) {
        break; // an OCI whiteout hides the layers below only: this layer's own entry stays
      }
    }
    if (owner == null) {
      return Optional.empty();
    }
    return Optional.of(owner.stat().isDirectory() ? new Child(name, owner.layer(), owner.stat(), List.copyOf(merge)) : owner);
  }

  private Fd fd(Dir dir, int i, Fd[] fds) throws IOException {
    if (fds[i] == null) {
      fds[i] = openDirectory(dir.layers.get(i), dir.path, O_PATH);
    }
    return fds[i];
  }

  private Fd openDirectory(int layer, String path, int mode) throws IOException {
    return Posix.openat2(roots.get(layer), path.isEmpty() ? "." : path,
        mode | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, path);
  }

  private static void closeAll(Fd[] fds) {
    for (Fd fd : fds) {
      if (fd != null) {
        fd.close();
      }
    }
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  /** Lists the directory {@code path} of {@code candidates} (top first), cut after an opaque one. */
  private Dir read(String path, List<Integer> candidates) throws IOException {
    List<Integer> layers = new ArrayList<>();
    List<Set<String>> names = new ArrayList<>();
    for (int layer : candidates) {
      try (Fd dir = openDirectory(layer, path, O_RDONLY)) {
        Set<String> these = new HashSet<>(Directories.list(dir, path));
        layers.add(layer);
        names.add(these);
        if ((markers.ociFiles() && these.contains(Whiteouts.OPAQUE)) || isOpaqueByXattr(dir, path)) {
          break;
        }
      }
    }
    return new Dir(path, layers, names);
  }

  /** Every xattr of {@code child} (at {@code path}) in its layer, overlayfs' own left out. */
  public SortedMap<String, byte[]> xattrs(Child child, String path) throws IOException {
    try (Fd parent = openParent(child.layer(), path)) {
      SortedMap<String, byte[]> all = new TreeMap<>(Xattrs.all(parent, base(path), path));
      all.keySet().removeIf(Whiteouts::isOverlayXattr);
      return all;
    }
  }

  /** The target of the symlink {@code child} (at {@code path}), bytes as chars. */
  public String readlink(Child child, String path) throws IOException {
    try (Fd parent = openParent(child.layer(), path)) {
      return Posix.readlinkat(parent, base(path), path);
    }
  }

  /**
   * Opens {@code child} (at {@code path}) in its layer with {@code O_PATH | O_NOFOLLOW}, confined
   * to that layer without following any symlink; the caller closes it.
   */
  public Fd openPath(Child child, String path) throws IOException {
    return Posix.openat2(roots.get(child.layer()), path.isEmpty() ? "." : path,
        O_PATH | O_NOFOLLOW | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, path);
  }

  /** Opens {@code child} (a regular file at {@code path}) for reading; the caller closes it. */
  public Fd openRead(Child child, String path) throws IOException {
    return Posix.openat2(roots.get(child.layer()), path,
        O_RDONLY | O_NOFOLLOW | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, path);
  }

  private Fd openParent(int layer, String path) throws IOException {
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "." : path.substring(0, slash);
    return Posix.openat2(roots.get(layer), parent, O_PATH | O_DIRECTORY | O_CLOEXEC,
        RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, path);
  }

  private static String base(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private boolean isOpaqueByXattr(Fd dir, String path) throws IOException {
    if (markers.opaqueXattrs().isEmpty()) {
      return false;
    }
    Map<String, byte[]> xattrs = Xattrs.all(dir, "", path);
    for (String key : markers.opaqueXattrs()) {
      byte[] v = xattrs.get(key);
      if (v != null && v.length == 1 && v[0] == 'y') {
        return true;
      }
    }
    return false;
  }

  /** Closes every layer's root descriptor. Idempotent. */
  @Override
  public void close() {
    roots.forEach(Fd::close);
  }
}
