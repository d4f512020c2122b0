package dev.strata.overlay.internal.apply;

import static dev.strata.linux.Posix.O_CLOEXEC;
import static dev.strata.linux.Posix.O_CREAT;
import static dev.strata.linux.Posix.O_EXCL;
import static dev.strata.linux.Posix.O_NOFOLLOW;
import static dev.strata.linux.Posix.O_WRONLY;

import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.overlay.changeset.MalformedLayerException;
import dev.strata.overlay.changeset.UnsafeEntryException;
import dev.strata.overlay.internal.tar.SparseMap;
import dev.strata.overlay.internal.tar.TarEntry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Makes one non-whiteout member in its parent directory. Each maker creates with an exclusive,
 * non-following {@code *at} call; when the name is taken (EEXIST) it removes whatever the name
 * holds (a whole tree for a directory, fd-relative, never following a symlink) and creates again,
 * so the last member of a name wins and no pre-existing symlink is ever written through.
 */
final class EntryWriter {
  private static final long MAX_MAJOR = (1 << 12) - 1;
  private static final long MAX_MINOR = (1 << 20) - 1;
  private final RootedTree tree;
  private final Attributes attributes;
  private final DeferredDirectories directories;
  private final Counts counts;
  private final WhiteoutFormat format;
  private final byte[] heap = new byte[1 << 20];
  private final MemorySegment buffer;

  EntryWriter(
      RootedTree tree,
      Attributes attributes,
      DeferredDirectories directories,
      Counts counts,
      WhiteoutFormat format,
      MemorySegment buffer) {
    this.tree = tree;
    this.attributes = attributes;
    this.directories = directories;
    this.counts = counts;
    this.format = format;
    this.buffer = buffer;
  }

  void directory(Fd parent, Statx parentStat, EntryPath path, TarEntry e, String entry) throws IOException {
    String name = path.base();
    boolean made = true;
    try {
      Posix.mkdirat(parent, name, 0700, entry);
    } catch (LinuxException ex) {
      if (ex.errno() != Errno.EEXIST) {
        throw ex;
      }
      Statx st = Posix.lstatat(parent, name, entry);
      if (st.isDirectory()) {
        made = false; // a directory over a directory merges
      } else {
        tree.remove(parent, name, entry);
        Posix.mkdirat(parent, name, 0700, entry);
      }
    }
    DirentKey key = DirentKey.of(parentStat, name);
    if (made) {
      if (tree.isWhitedOut(key)) {
        format.replaceLower(tree, parent, name, entry); // hides the lower directory the whiteout hid
      }
    }
    tree.touch(key);
    attributes.ownerAndXattrs(parent, name, e, entry);
    directories.add(path, Posix.lstatat(parent, name, entry), e.mode(), e.mtime(), entry);
    counts.directories++;
  }

  void regular(Fd parent, Statx parentStat, String name, TarEntry e, InputStream data, String entry)
      throws IOException {
    try (Fd fd = create(parent, name, entry)) {
      tree.touch(DirentKey.of(parentStat, name));
      SparseMap sparse = e.sparse();
      if (sparse == null) {
        copy(data, fd, -1, e.dataSize(), entry);
      } else {
        for (SparseMap.Region r : sparse.regions()) {
          copy(data, fd, r.offset(), r.length(), entry); // holes are never written
        }
        Posix.ftruncate(fd, sparse.realSize(), entry);
      }
      attributes.applyToFile(fd, e, entry);
    }
    counts.files++;
  }

  void symlink(Fd parent, Statx parentStat, String name, TarEntry e, String entry) throws IOException {
    String target = e.linkName();
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new UnsafeEntryException(entry, "symlink '" + entry + "' has an empty target or a NUL in it");
    }
    try {
      Posix.symlinkat(target, parent, name, entry); // the target is data: never resolved here
    } catch (LinuxException ex) {
      if (ex.errno() != Errno.EEXIST) {
        throw ex;
      }
      tree.remove(parent, name, entry);
      Posix.symlinkat(target, parent, name, entry);
    }
    tree.touch(DirentKey.of(parentStat, name));
    attributes.ownerAndXattrs(parent, name, e, entry);
    Attributes.modeAndTimes(parent, name, e.mode(), e.mtime(), true, entry);
    counts.symlinks++;
  }

  /**
   * A hard link to another name inside the root. The target's directory is resolved in the root
   * like any path; its last component is linked itself (a symlink is linked, not followed). A
   * target that is missing or a directory is refused.
   */
  void hardlink(Fd parent, Statx parentStat, String name, TarEntry e, String entry) throws IOException {
    EntryPath target;
    try {
      target = EntryPath.parse(e.linkName());
    } catch (UnsafeEntryException ex) {
      throw new UnsafeEntryException(entry, "hardlink '" + entry + "' refused: " + ex.getMessage(), ex);
    }
    String shown = target.display();
    if (target.isRoot()) {
      throw new UnsafeEntryException(entry, "hardlink '" + entry + "' points at the root directory");
    }
    try (Fd targetDir = tree.openExisting(target.parentParts(), entry)) {
      Statx ts = targetDir == null ? null : RootedTree.lstatOrNull(targetDir, target.base(), entry);
      if (ts == null) {
        throw new UnsafeEntryException(
            entry, "hardlink '" + entry + "' points at '" + shown + "', which does not exist in the root");
      }
      if (ts.isDirectory()) {
        throw new UnsafeEntryException(entry, "hardlink '" + entry + "' points at the directory '" + shown + "'");
      }
      Statx tds = Posix.lstatat(targetDir, "", entry);
      if (tds.ino() == parentStat.ino() && tds.dev() == parentStat.dev() && target.base().equals(name)) {
        tree.touch(DirentKey.of(parentStat, name)); // a link to itself: keep what is there
        return;
      }
      try {
        Posix.linkat(targetDir, target.base(), parent, name, entry);
      } catch (LinuxException ex) {
        if (ex.errno() != Errno.EEXIST) {
          throw ex;
        }
        tree.remove(parent, name, entry);
        Posix.linkat(targetDir, target.base(), parent, name, entry);
      }
      tree.touch(DirentKey.of(parentStat, name));
    } catch (LinuxException ex) {
      if (ex.errno() == Errno.EXDEV || ex.errno() == Errno.EPERM || ex.errno() == Errno.EMLINK
          || ex.errno() == Errno.ENOENT) {
        throw new UnsafeEntryException(entry, "hardlink '" + entry + "' to '" + shown + "' refused: " + ex.getReason(), ex);
      }
      throw ex;
    }
    counts.hardlinks++;
  }

  /** A device node or FIFO; a device node this process may not make (EPERM) is skipped. */
  void special(Fd parent, Statx parentStat, String name, TarEntry e, int type, String entry) throws IOException {
    try {
      try {
        Posix.mknodat(parent, name, type | 0600, e.devMajor(), e.devMinor(), entry);
      } catch (LinuxException ex) {
        if (ex.errno() != Errno.EEXIST) {
          throw ex;
        }
        tree.remove(parent, name, entry); // the kernel reports EEXIST before EPERM
        Posix.mknodat(parent, name, type | 0600, e.devMajor(), e.devMinor(), entry);
      }
    } catch (LinuxException ex) {
      if (ex.errno() == Errno.EPERM && type != Posix.S_IFIFO) {
        counts.skipped++;
        return;
      }
      throw ex;
    }
    tree.touch(DirentKey.of(parentStat, name));
    attributes.ownerAndXattrs(parent, name, e, entry);
    Attributes.modeAndTimes(parent, name, e.mode(), e.mtime(), false, entry);
    counts.specials++;
  }

  /**
   * Linux's mknod takes a 32-bit device number, 12 bits of major and 20 of minor
   * (include/linux/kdev_t.h, new_decode_dev). A tar number past that would be cut to another
   * device (major 2^32+1 became 1, /dev/mem), so it is refused before anything, not even a parent
   * directory, is created.
   */
  static void requireKernelDeviceNumber(TarEntry e, String entry) {
    if (e.devMajor() < 0 || e.devMajor() > MAX_MAJOR || e.devMinor() < 0 || e.devMinor() > MAX_MINOR) {
      throw new UnsafeEntryException(
          entry,
          "device node '" + entry + "' refused: device " + Long.toUnsignedString(e.devMajor()) + ":"
              + Long.toUnsignedString(e.devMinor()) + " is outside what Linux can represent (major 0.."
              + MAX_MAJOR + ", minor 0.." + MAX_MINOR + ")");
    }
  }

  /**
   * A new regular file {@code name}, opened for writing. Created first (exclusive, not following)
   * and the old entry removed only when the name is taken: a fresh tree, the common case, costs
   * one call.
   */
  private Fd create(Fd parent, String name, String entry) throws IOException {
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    try {
      return Posix.openat(parent, name, flags, 0600, entry);
    } catch (LinuxException ex) {
      if (ex.errno() != Errno.EEXIST) {
        throw ex;
      }
      tree.remove(parent, name, entry);
      return Posix.openat(parent, name, flags, 0600, entry);
    }
  }

  private void copy(InputStream data, Fd fd, long offset, long length, String entry) throws IOException {
    long done = 0;
    while (done < length) {
      int n = data.read(heap, 0, (int) Math.min(heap.length, length - done));
      if (n < 0) {
        throw new MalformedLayerException(entry, "truncated tar: entry '" + entry + "' ends early");
      }
      MemorySegment.copy(heap, 0, buffer, ValueLayout.JAVA_BYTE, 0, n);
      Posix.writeFully(fd, buffer, n, offset < 0 ? -1 : offset + done, entry);
      done += n;
      counts.bytes += n;
    }
  }
}
