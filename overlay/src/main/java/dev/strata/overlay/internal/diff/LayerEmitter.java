package dev.strata.overlay.internal.diff;

import dev.strata.linux.Fd;
import dev.strata.linux.FileIo;
import dev.strata.linux.Names;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.linux.Xattrs;
import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.internal.diff.ChangeWalker.Change;
import dev.strata.overlay.internal.diff.ChangeWalker.Inode;
import dev.strata.overlay.internal.tar.TarLayerWriter.Header;
import dev.strata.overlay.internal.tar.TarLayerWriter;
import dev.strata.overlay.internal.tar.TarType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns the walker's changes into tar members, in the one order both differs share:
 *
 * <ol>
 *   <li>hardlink groups are completed: when one name of an upper inode with several links is
 *       emitted, all its names in the upper tree are (so the group is rebuilt whole);
 *   <li>every member gets its parent directories as explicit members (containerd does the same);
 *   <li>members are sorted by path with {@code /} ordered before every other byte (containerd's
 *       {@code directoryCompare}): a depth-first walk with siblings in byte order, parents before
 *       children;
 *   <li>the first name of an upper inode in that order carries the content, later names are
 *       hardlink members pointing at it.
 * </ol>
 *
 * Attributes come from the upper tree; times newer than the source date epoch are clamped to it.
 */
final class LayerEmitter {
  /** containerd's directoryCompare: byte order with the separator lowest. */
  static final Comparator<String> PATH_ORDER = (x, y) -> {
    int n = Math.min(x.length(), y.length());
    for (int i = 0; i < n; i++) {
      char c = x.charAt(i) == '/' ? 0 : x.charAt(i);
      char d = y.charAt(i) == '/' ? 0 : y.charAt(i);
      if (c != d) {
        return Character.compare(c, d);
      }
    }
    return Integer.compare(x.length(), y.length());
  };

  private enum Out { ENTRY, MARKER }

  /** Counters the emitter fills in. */
  static final class Counts {
    long entries, files, directories, symlinks, hardlinks, specials, whiteouts, opaques, bytes;
  }

  private final Fd root;
  private final TarLayerWriter tar;
  private final Optional<Instant> epoch;
  final Counts counts = new Counts();
  private final byte[] heap = new byte[256 * 1024];
  private @Nullable String parentPath;
  private @Nullable Fd parentFd;

  LayerEmitter(Fd upperRoot, TarLayerWriter tar, Optional<Instant> epoch) {
    this.root = upperRoot;
    this.tar = tar;
    this.epoch = epoch;
  }

  void emit(List<Change> changes, Map<Inode, List<String>> links) throws IOException {
    TreeMap<String, Out> members = new TreeMap<>(PATH_ORDER);
    for (Change c : changes) {
      switch (c.kind()) {
        case ENTRY -> members.put(c.path(), Out.ENTRY);
        case DELETE -> members.put(sibling(c.path(), Whiteouts.PREFIX + base(c.path())), Out.MARKER);
        case OPAQUE -> members.put(ChangeWalker.join(c.path(), Whiteouts.OPAQUE), Out.MARKER);
      }
    }
    for (Change c : changes) {
      if (c.kind() == ChangeWalker.Kind.ENTRY) {
        Statx st = stat(c.path());
        if (st.isRegular() && st.nlink() > 1) {
          for (String other : links.getOrDefault(new Inode(st.dev(), st.ino()), List.of())) {
            members.putIfAbsent(other, Out.ENTRY);
          }
        }
      }
    }
    for (String path : List.copyOf(members.keySet())) {
      for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        members.putIfAbsent(path.substring(0, slash), Out.ENTRY);
      }
    }
    Map<Inode, String> firstName = new HashMap<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(heap.length);
      for (Map.Entry<String, Out> m : members.entrySet()) {
        if (m.getValue() == Out.MARKER) {
          marker(m.getKey());
        } else {
          entry(m.getKey(), firstName, buffer);
        }
      }
    } finally {
      if (parentFd != null) {
        parentFd.close();
      }
    }
  }

  private void marker(String path) throws IOException {
    Instant t = epoch.orElse(Instant.EPOCH);
    tar.header(new Header(path, TarType.REGULAR, "", 0, 0, 0, 0, t, 0, 0, new TreeMap<>()));
    counts.entries++;
    if (base(path).equals(Whiteouts.OPAQUE)) {
      counts.opaques++;
    } else {
      counts.whiteouts++;
    }
  }

  private void entry(String path, Map<Inode, String> firstName, MemorySegment buffer) throws IOException {
    Fd dir = parent(path);
    String name = base(path);
    Statx st = Posix.lstatat(dir, name, path);
    SortedMap<String, byte[]> xattrs = new TreeMap<>(Xattrs.all(dir, name, path));
    xattrs.keySet().removeIf(Whiteouts::isOverlayXattr);
    Instant mtime = st.mtime();
    if (epoch.isPresent() && mtime.isAfter(epoch.get())) {
      mtime = epoch.get();
    }
    TarType type;
    String link = "";
    long size = 0;
    String member = path;
    switch (st.type()) {
      case Posix.S_IFDIR -> {
        type = TarType.DIRECTORY;
        member = path + "/";
        counts.directories++;
      }
      case Posix.S_IFREG -> {
        String first = st.nlink() > 1 ? firstName.putIfAbsent(new Inode(st.dev(), st.ino()), path) : null;
        if (first != null) {
          type = TarType.HARDLINK;
          link = first;
          counts.hardlinks++;
        } else {
          type = TarType.REGULAR;
          size = st.size();
          counts.files++;
        }
      }
      case Posix.S_IFLNK -> {
        type = TarType.SYMLINK;
        link = Posix.readlinkat(dir, name, path);
        counts.symlinks++;
      }
      case Posix.S_IFCHR -> {
        type = TarType.CHAR_DEVICE;
        counts.specials++;
      }
      case Posix.S_IFBLK -> {
        type = TarType.BLOCK_DEVICE;
        counts.specials++;
      }
      case Posix.S_IFIFO -> {
        type = TarType.FIFO;
        counts.specials++;
      }
      default -> {
        return; // sockets have no tar form (Go's archive/tar refuses them too)
      }
    }
    tar.header(new Header(member, type, link, st.permissions(), st.uid(), st.gid(), size, mtime,
        st.rdevMajor(), st.rdevMinor(), xattrs));
    counts.entries++;
    if (size > 0) {
      content(dir, name, path, size, buffer);
    }
  }

  private void content(Fd dir, String name, String path, long size, MemorySegment buffer) throws IOException {
    try (Fd fd = Posix.openat(dir, name, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, path)) {
      long done = 0;
      while (done < size) {
        long n = FileIo.read(fd, buffer, Math.min(buffer.byteSize(), size - done), path);
        if (n == 0) {
          throw new IOException("file " + Names.toText(path) + " shrank while the layer was written");
        }
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, heap, 0, (int) n);
        tar.data(heap, 0, (int) n);
        done += n;
      }
      counts.bytes += size;
    }
  }

  private Statx stat(String path) throws IOException {
    return Posix.lstatat(parent(path), base(path), path);
  }

  /** The directory holding {@code path}, opened beneath the root without following any symlink. */
  private Fd parent(String path) throws IOException {
    int slash = path.lastIndexOf('/');
    String dir = slash < 0 ? "" : path.substring(0, slash);
    if (!dir.equals(parentPath)) {
      if (parentFd != null) {
        parentFd.close();
      }
      parentFd = Posix.openat2(root, dir.isEmpty() ? "." : dir, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC,
          Posix.RESOLVE_BENEATH | Posix.RESOLVE_NO_SYMLINKS | Posix.RESOLVE_NO_MAGICLINKS, path);
      parentPath = dir;
    }
    return parentFd;
  }

  private static String base(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static String sibling(String path, String name) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? name : path.substring(0, slash + 1) + name;
  }
}
