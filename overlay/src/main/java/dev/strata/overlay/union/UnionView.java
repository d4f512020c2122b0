package dev.strata.overlay.union;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.internal.union.LayerStack.Child;
import dev.strata.overlay.internal.union.LayerFileChannel;
import dev.strata.overlay.internal.union.LayerStack;
import dev.strata.overlay.internal.union.Markers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read-only union of an ordered stack of layer directories: the one place strata resolves a
 * path in a layer stack. The java.nio view and (next) the FUSE mount delegate to it.
 *
 * <p><b>Order.</b> Layers are given <em>top first</em>, as overlayfs' {@code lowerdir} lists
 * them: index 0 is the newest layer (or an upper directory), the last is the base.
 *
 * <p><b>Rules</b> (Documentation/filesystems/overlayfs.rst; OCI image-spec layer.md): the first
 * layer holding a name decides it; a whiteout there deletes it (a character device 0/0 in the
 * {@link WhiteoutFormat#OVERLAYFS overlayfs forms}, a {@code .wh.NAME} file in the {@link
 * WhiteoutFormat#OCI OCI form}, which hides the layers below only); a non-directory hides every
 * deeper entry of its name; a directory merges with the same directory below it until a
 * non-directory, a whiteout, or an opaque directory ({@code trusted.overlay.opaque=y}, {@code
 * user.overlay.opaque=y}, or a {@code .wh..wh..opq} file). Markers are never listed.
 *
 * <p><b>Paths</b> are {@code /}-separated names relative to the root; a leading {@code /} is
 * allowed, {@code ""} and {@code "/"} name the root, {@code .} and {@code ..} are refused (the
 * caller normalizes). Names are bytes, given as strings by {@link SurrogateEscape}: UTF-8, each byte that is
 * not valid UTF-8 as a lone surrogate, so every name round-trips (paths, symlink targets and
 * xattr names alike). Symlinks are never followed by the view itself, neither at
 * the end of a path nor in the middle: a path through a symlink is not found.
 *
 * <p><b>Identity.</b> {@link Attributes#ino()} is one number per (layer, inode), so the names of
 * a hard-link group in one layer share it, and a file copied up into another layer does not.
 * {@link #readdir} lists a directory sorted by the bytes of the names; the offset of an entry is
 * its index + 1, stable for the life of the view because layers are treated as immutable: a
 * layer changed while viewed gives undefined (never out-of-layer) results.
 *
 * <p>Thread-safe. Merged directories are read once and kept while the view is open.
 *
 * <pre>{@code
 * try (UnionView view = UnionView.open(List.of(upper, lower), EnumSet.of(WhiteoutFormat.OVERLAYFS))) {
 *   if (view.lookup("etc/os-release").orElseThrow() instanceof Entry.RegularFile f) {
 *     byte[] head = new byte[64];
 *     view.read(f, 0, ByteBuffer.wrap(head));
 *   }
 * }
 * }</pre>
 */
public final class UnionView implements AutoCloseable {
  private record InodeKey(int layer, long dev, long ino) {}

  private final LayerStack stack;
  private final Map<InodeKey, Long> inodes = new ConcurrentHashMap<>();
  private final AtomicLong nextIno = new AtomicLong(1);
  /** Entries by host path, built once: layers are immutable while viewed. */
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private UnionView(LayerStack stack) {
    this.stack = stack;
  }

  /**
   * Opens the union of {@code layers} (top first, at least one, each an existing directory)
   * honouring {@code formats} (an empty set: plain trees).
   */
  public static UnionView open(List<Path> layers, Set<WhiteoutFormat> formats) throws IOException {
    if (layers.isEmpty()) {
      throw new InvalidArgumentException("layers", "a union view needs at least one layer");
    }
    List<String> hosts = layers.stream().map(p -> host(p.toAbsolutePath().toString())).toList();
    return new UnionView(LayerStack.open(hosts, markers(formats)));
  }

  /** Opens the union of {@code layers} (top first) honouring every {@link WhiteoutFormat}. */
  public static UnionView open(List<Path> layers) throws IOException {
    return open(layers, EnumSet.allOf(WhiteoutFormat.class));
  }

  private static Markers markers(Set<WhiteoutFormat> formats) {
    List<String> opaque = new ArrayList<>();
    if (formats.contains(WhiteoutFormat.OVERLAYFS)) {
      opaque.add(Whiteouts.TRUSTED_OPAQUE_XATTR);
    }
    if (formats.contains(WhiteoutFormat.OVERLAYFS_USERXATTR)) {
      opaque.add(Whiteouts.USER_OPAQUE_XATTR);
    }
    return new Markers(!opaque.isEmpty(), formats.contains(WhiteoutFormat.OCI), opaque);
  }

  /** The number of layers. */
  public int depth() {
    return stack.depth();
  }

  /** The root directory. */
  public Entry.Directory root() throws IOException {
    return (Entry.Directory) lookup("").orElseThrow();
  }

  /**
   * The entry at {@code path}, or empty when the union shows none there (a missing name, a
   * whiteout, or a component on the way that is not a directory).
   *
   * @throws InvalidArgumentException when a component is {@code .} or {@code ..}
   */
  public Optional<Entry> lookup(String path) throws IOException {
    String host = hostPath(path);
    Entry known = entries.get(host);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Child> child = stack.lookup(host);
    return child.isEmpty() ? Optional.empty() : Optional.of(entry(host, child.get()));
  }

  /**
   * The entry at {@code path} with symlinks followed as if the union were the root directory
   * ({@code openat2}'s {@code RESOLVE_IN_ROOT}): an absolute target starts again at the union's
   * root, {@code ..} never climbs above it. The final component is followed only when {@code
   * followFinal}. Empty when nothing is there. This is the one verb that follows symlinks, for
   * the java.nio view's default link option; {@code .} and {@code ..} are allowed here.
   *
   * @throws FileSystemLoopException after 40 symlinks (Linux's MAXSYMLINKS)
   */
  public Optional<Entry> resolve(String path, boolean followFinal) throws IOException {
    if (isNormal(path)) {
      // lookup never follows a symlink: when it finds the path, every component on the way is a
      // real directory, and only a symlink at the end is left to follow
      Optional<Entry> direct = lookup(path);
      if (direct.isPresent() && !(followFinal && direct.get() instanceof Entry.Symlink)) {
        return direct;
      }
    }
    Deque<String> todo = new ArrayDeque<>(parts(path));
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.equals("..")) {
        if (!done.isEmpty()) {
          done.removeLast();
        }
        continue;
      }
      if (part.equals(".")) {
        continue;
      }
      done.add(part);
      Optional<Entry> e = lookup(String.join("/", done));
      if (e.isEmpty()) {
        return Optional.empty();
      }
      if (e.get() instanceof Entry.Symlink link && (followFinal || !todo.isEmpty())) {
        if (++links > 40) {
          throw new FileSystemLoopException(path);
        }
        done.removeLast();
        if (link.target().startsWith("/")) {
          done.clear();
        }
        List<String> target = parts(link.target());
        for (int i = target.size() - 1; i >= 0; i--) {
          todo.addFirst(target.get(i));
        }
      }
    }
    return lookup(String.join("/", done));
  }

  /** Whether {@code path} is what {@link #hostPath} takes: no empty, {@code .} or {@code ..} component. */
  private static boolean isNormal(String path) {
    int start = path.startsWith("/") ? 1 : 0;
    int end = path.endsWith("/") && path.length() > start ? path.length() - 1 : path.length();
    if (start >= end) {
      return true; // the root
    }
    int from = start;
    for (int i = start; i <= end; i++) {
      if (i == end || path.charAt(i) == '/') {
        int len = i - from;
        if (len == 0 || (len == 1 && path.charAt(from) == '.') || (len == 2 && path.charAt(from) == '.' && path.charAt(from + 1) == '.')) {
          return false;
        }
        from = i + 1;
      }
    }
    return true;
  }

  private static List<String> parts(String path) {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
  }

  /** The entries of {@code dir}, sorted by the bytes of their names. */
  public List<Entry> readdir(Entry.Directory dir) throws IOException {
    return readdir(dir, 0);
  }

  /**
   * The entries of {@code dir} after offset {@code offset} (0: from the start; an entry's offset
   * is its index + 1), sorted by the bytes of their names.
   *
   * @throws NoSuchFileException when {@code dir} is no longer a directory of this view
   * @throws InvalidArgumentException when {@code offset} is negative
   */
  public List<Entry> readdir(Entry.Directory dir, long offset) throws IOException {
    if (offset < 0) {
      throw new InvalidArgumentException(Long.toString(offset), "readdir offset " + offset + " is negative");
    }
    String host = hostPath(dir.path());
    LayerStack.Dir merged = stack.directory(host).orElseThrow(() -> new NoSuchFileException(dir.path()));
    List<Child> children = stack.children(merged);
    int from = (int) Math.min(offset, children.size());
    List<Entry> out = new ArrayList<>(children.size() - from);
    for (int i = from; i < children.size(); i++) {
      Child c = children.get(i);
      out.add(entry(host.isEmpty() ? c.name() : host + "/" + c.name(), c));
    }
    return out;
  }

  /**
   * Every extended attribute of {@code entry} this process may read ({@code trusted.*} needs
   * CAP_SYS_ADMIN), {@code security.capability} included, overlayfs' own left out; sorted by name.
   */
  public Map<String, byte[]> xattrs(Entry entry) throws IOException {
    String host = hostPath(entry.path());
    SortedMap<String, byte[]> raw = stack.xattrs(require(host, entry), host);
    Map<String, byte[]> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> out.put(display(k), v));
    return out;
  }

  /**
   * Opens {@code file} for reading: a read-only, seekable channel positioned at 0 (writes throw
   * {@link java.nio.channels.NonWritableChannelException}; it cannot be mapped or locked). The
   * file is opened from its layer's root without following any symlink, and each read is one
   * {@code pread} on that descriptor.
   */
  public FileChannel open(Entry.RegularFile file) throws IOException {
    String host = hostPath(file.path());
    return new LayerFileChannel(stack.openRead(require(host, file), host), file.path());
  }

  /**
   * Reads bytes of {@code file} from {@code offset} into {@code dst}, like {@code pread}: the
   * number read, 0 when {@code dst} has no room, -1 at or past the end of the file.
   */
  public int read(Entry.RegularFile file, long offset, ByteBuffer dst) throws IOException {
    try (FileChannel channel = open(file)) {
      int total = 0;
      while (dst.hasRemaining()) {
        int n = channel.read(dst, offset + total);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        total += n;
      }
      return total;
    }
  }

  private Child require(String host, Entry entry) throws IOException {
    return stack.lookup(host).orElseThrow(() -> new NoSuchFileException(entry.path()));
  }

  private Entry entry(String host, Child c) throws IOException {
    Entry known = entries.get(host);
    if (known != null) {
      return known;
    }
    Entry built = build(host, c);
    Entry raced = entries.putIfAbsent(host, built);
    return raced != null ? raced : built;
  }

  private Entry build(String host, Child c) throws IOException {
    Statx st = c.stat();
    long ino = inodes.computeIfAbsent(new InodeKey(c.layer(), st.dev(), st.ino()), k -> nextIno.getAndIncrement());
    long rdev = makedev(st.rdevMajor(), st.rdevMinor());
    Attributes a = new Attributes(st.mode(), st.uid(), st.gid(), st.size(),
        Instant.ofEpochSecond(st.atimeSeconds(), st.atimeNanos()), st.mtime(),
        Instant.ofEpochSecond(st.ctimeSeconds(), st.ctimeNanos()), st.nlink(),
        st.type() == Posix.S_IFCHR || st.type() == Posix.S_IFBLK ? rdev : 0, ino);
    String path = display(host);
    return switch (st.type()) {
      case Posix.S_IFREG -> new Entry.RegularFile(path, a);
      case Posix.S_IFDIR -> new Entry.Directory(path, a);
      case Posix.S_IFLNK -> new Entry.Symlink(path, a, display(stack.readlink(c, host)));
      case Posix.S_IFCHR -> new Entry.Device(path, a, false, st.rdevMajor(), st.rdevMinor());
      case Posix.S_IFBLK -> new Entry.Device(path, a, true, st.rdevMajor(), st.rdevMinor());
      case Posix.S_IFIFO -> new Entry.Fifo(path, a);
      default -> new Entry.Socket(path, a);
    };
  }

  /** glibc's makedev (sys/sysmacros.h), the {@code st_rdev} the JDK's {@code unix:rdev} reports. */
  private static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }

  /** Closes the layers' descriptors; channels opened before stay readable. Idempotent. */
  @Override
  public void close() {
    stack.close();
  }

  /** {@code path} checked and made relative, in the posix layer's byte-per-char form. */
  private static String hostPath(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      return "";
    }
    if (!isNormal(p)) {
      throw new InvalidArgumentException(path, "path '" + path + "' is not normalized: empty, '.' or '..' component");
    }
    return host(p);
  }

  private static String host(String s) {
    return SurrogateEscape.toHost(s);
  }

  private static String display(String host) {
    return SurrogateEscape.fromHost(host);
  }
}
