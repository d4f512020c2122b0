package dev.strata.overlay.internal.union;

import static dev.strata.overlay.internal.posix.Posix.O_CLOEXEC;
import static dev.strata.overlay.internal.posix.Posix.O_DIRECTORY;
import static dev.strata.overlay.internal.posix.Posix.O_NOFOLLOW;
import static dev.strata.overlay.internal.posix.Posix.O_PATH;
import static dev.strata.overlay.internal.posix.Posix.O_RDONLY;
import static dev.strata.overlay.internal.posix.Posix.RESOLVE_BENEATH;
import static dev.strata.overlay.internal.posix.Posix.RESOLVE_NO_SYMLINKS;

import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.internal.posix.Directories;
import dev.strata.overlay.internal.posix.Fd;
import dev.strata.overlay.internal.posix.Posix;
import dev.strata.overlay.internal.posix.Stat;
import dev.strata.overlay.internal.posix.Xattrs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The union of a stack of layer directories, read the way overlayfs reads it
 * (Documentation/filesystems/overlayfs.rst) and the way the OCI image-spec applies layers: layers
 * are held top (nearest) first; the first layer that has a name decides it; a whiteout there
 * ({@link Markers}) deletes it; a non-directory hides every deeper layer's entry of its name; a
 * directory merges with the directories of that name below it until a layer holds a
 * non-directory or a whiteout there, or until an opaque directory.
 *
 * <p>Paths are relative, {@code /}-separated, byte-per-char (the posix layer's names); {@code ""}
 * is the root. A merged directory is resolved once and kept (layers are immutable while viewed):
 * each layer's directory is opened with {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)}
 * from that layer's root, so a symlink in a layer is never followed, and every child is {@code
 * lstat}ed there. Thread-safe.
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
  public record Child(String name, int layer, Stat stat, List<Integer> mergeLayers) {}

  /**
   * A merged directory.
   *
   * @param path its path in the union
   * @param layers the layers it merges, top first, cut after an opaque one
   * @param children its visible children, sorted by name (bytes)
   */
  public record Dir(String path, List<Integer> layers, List<Child> children, Map<String, Child> byName) {}

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
    return parent.map(d -> d.byName().get(path.substring(slash + 1)));
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
    Dir built = build(path, self.get().mergeLayers());
    Dir raced = dirs.putIfAbsent(path, built);
    return Optional.of(raced != null ? raced : built);
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

  /** Merges the directory {@code path} of {@code candidates} (top first), cut after an opaque one. */
  private Dir build(String path, List<Integer> candidates) throws IOException {
    Set<String> decided = new HashSet<>();
    Map<String, Child> visible = new HashMap<>();
    Map<String, List<Integer>> merging = new HashMap<>(); // a directory's layers, top first
    Set<String> sealed = new HashSet<>(); // directories whose merge takes no deeper layer
    List<Integer> layers = new ArrayList<>();
    for (int layer : candidates) {
      layers.add(layer);
      if (readLayer(path, layer, new Merge(decided, visible, merging, sealed))) {
        break;
      }
    }
    TreeMap<String, Child> sorted = new TreeMap<>(); // chars are bytes: String order is byte order
    for (Child c : visible.values()) {
      List<Integer> merge = merging.getOrDefault(c.name(), List.of());
      sorted.put(c.name(), new Child(c.name(), c.layer(), c.stat(), List.copyOf(merge)));
    }
    return new Dir(path, List.copyOf(layers), List.copyOf(sorted.values()), Map.copyOf(sorted));
  }

  /** The state of one directory's merge, layer after layer. */
  private record Merge(
      Set<String> decided, Map<String, Child> visible, Map<String, List<Integer>> merging, Set<String> sealed) {}

  /** Reads one layer's directory into the merge; true when that directory is opaque. */
  private boolean readLayer(String path, int layer, Merge m) throws IOException {
    try (Fd dir = Posix.openat2(roots.get(layer), path.isEmpty() ? "." : path,
        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, path)) {
      List<String> names = Directories.list(dir, path);
      Set<String> whiteouts = new HashSet<>();
      boolean opaque = false;
      for (String name : names) {
        if (markers.ociFiles() && name.startsWith(Whiteouts.PREFIX)) {
          opaque |= Whiteouts.isOpaque(name);
          Whiteouts.hiddenName(name).ifPresent(whiteouts::add);
          continue;
        }
        Stat st = Posix.lstatat(dir, name, path);
        boolean whiteout = markers.deviceWhiteouts() && st.isOverlayWhiteout();
        if (!m.decided().add(name)) {
          List<Integer> merge = m.merging().get(name);
          if (merge != null && !m.sealed().contains(name)) {
            if (st.isDirectory() && !whiteout) {
              merge.add(layer);
            } else {
              m.sealed().add(name); // a non-directory or a whiteout hides everything deeper
            }
          }
          continue;
        }
        if (!whiteout) {
          m.visible().put(name, new Child(name, layer, st, List.of()));
          if (st.isDirectory()) {
            m.merging().put(name, new ArrayList<>(List.of(layer)));
          }
        }
      }
      for (String hidden : whiteouts) {
        // an OCI whiteout hides deeper layers only: this layer's own entry of that name stays
        m.decided().add(hidden);
        m.sealed().add(hidden);
      }
      return opaque || isOpaqueByXattr(dir, path);
    }
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
