package dev.strata.fuse.internal;

import dev.strata.fuse.internal.WritableUnion.Found;
import dev.strata.linux.Directories;
import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.FileIo;
import dev.strata.linux.FileTimes;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.linux.Xattrs;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes into the upper directory in overlayfs' format, as kernel overlayfs does: copy-up of a
 * lower entry (built in the work directory with every attribute — owner, mode, xattrs including
 * {@code security.capability}, times — then renamed into place, so a crash never leaves half a
 * copy in the upper directory), whiteouts (character devices 0/0) and opaque marks.
 */
final class CopyUp {
  /** What a copy-up did: the lower inode now lives on as the upper one. */
  interface Listener {
    void copied(Statx from, Statx to);
  }

  private static final String TEMP_PREFIX = "strata-copyup-";

  private final WritableUnion union;
  private final String work;
  private final boolean root;
  private final Listener listener;
  private final AtomicLong temps = new AtomicLong();

  CopyUp(WritableUnion union, String work, Listener listener) throws IOException {
    this.union = union;
    this.work = work;
    this.root = Posix.geteuid() == 0;
    this.listener = listener;
    removeLeftovers();
  }

  /** A server killed mid-copy leaves its temporary copy in the work directory: it goes at start. */
  private void removeLeftovers() throws IOException {
    if (WritableUnion.lstat(work).isEmpty()) {
      return;
    }
    try (Fd dir = Posix.openat(Fd.CWD, work, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, work)) {
      for (String name : Directories.list(dir, work)) {
        if (name.startsWith(TEMP_PREFIX)) {
          Directories.removeAll(dir, name, work + "/" + name);
        }
      }
    }
  }

  /** Makes sure {@code found} lives in the upper directory, copying it (and its parents) up. */
  Found ensureUpper(Found found) throws IOException {
    if (found.inUpper()) {
      return found;
    }
    ensureUpperDirectory(WritableUnion.parentOf(found.path()));
    copy(found);
    return union.resolve(found.path()).orElseThrow();
  }

  /** Makes sure the union directory {@code path} exists in the upper directory; its host path. */
  String ensureUpperDirectory(String path) throws IOException {
    Found dir = union.resolve(path).orElseThrow(() -> new LinuxException(Errno.ENOENT, "lookup", path));
    if (!dir.isDirectory()) {
      throw new LinuxException(Errno.ENOTDIR, "lookup", path);
    }
    ensureUpper(dir);
    return union.host(0, path);
  }

  private void copy(Found found) throws IOException {
    Statx st = found.top();
    String source = union.host(found.layers().getFirst(), found.path());
    String temp = work + "/" + TEMP_PREFIX + ProcessHandle.current().pid() + "-" + temps.incrementAndGet();
    try {
      switch (st.type()) {
        case Posix.S_IFDIR -> Posix.mkdirat(Fd.CWD, temp, 0700, temp);
        case Posix.S_IFREG -> copyData(source, temp, st.size());
        case Posix.S_IFLNK -> Posix.symlinkat(Posix.readlinkat(Fd.CWD, source, source), Fd.CWD, temp, temp);
        default -> Posix.mknodat(Fd.CWD, temp, st.mode(), st.rdevMajor(), st.rdevMinor(), temp);
      }
      copyAttributes(source, temp, st);
      Posix.renameat(Fd.CWD, temp, Fd.CWD, union.host(0, found.path()), Posix.RENAME_NOREPLACE, found.path());
    } catch (IOException | RuntimeException e) {
      if (WritableUnion.lstat(temp).isPresent()) {
        try (Fd dir = Posix.openat(Fd.CWD, work, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, work)) {
          Directories.removeAll(dir, WritableUnion.nameOf(temp), temp);
        }
      }
      throw e;
    }
    listener.copied(st, Posix.lstatat(Fd.CWD, union.host(0, found.path()), found.path()));
  }

  /**
   * The data, sharing extents where the file system can (FICLONE), else copy_file_range over the
   * data segments only (holes stay holes), never by hand through this process unless both refuse.
   */
  private static void copyData(String source, String target, long size) throws IOException {
    try (Fd in = Posix.openat(Fd.CWD, source, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, source);
        Fd out = Posix.openat(Fd.CWD, target, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_CLOEXEC, 0600, target)) {
      if (size == 0 || FileIo.ficlone(out, in, target)) {
        return;
      }
      long at = 0;
      while (at < size) {
        long data = FileIo.lseek(in, at, FileIo.SEEK_DATA, source);
        if (data < 0) {
          break;
        }
        long hole = FileIo.lseek(in, data, FileIo.SEEK_HOLE, source);
        for (long pos = data; pos < hole; ) {
          long n = FileIo.copyFileRange(in, pos, out, pos, hole - pos, target);
          if (n < 0) {
            copyByHand(in, out, pos, hole - pos, target);
            n = hole - pos;
          } else if (n == 0) {
            break;
          }
          pos += n;
        }
        at = hole;
      }
      Posix.ftruncate(out, size, target);
    }
  }

  private static void copyByHand(Fd in, Fd out, long from, long length, String subject) throws IOException {
    try (var arena = java.lang.foreign.Arena.ofConfined()) {
      var buf = arena.allocate(1 << 16);
      FileIo.lseek(in, from, FileIo.SEEK_SET, subject);
      long done = 0;
      while (done < length) {
        long n = FileIo.read(in, buf, Math.min(buf.byteSize(), length - done), subject);
        if (n == 0) {
          break;
        }
        Posix.writeFully(out, buf, n, from + done, subject);
        done += n;
      }
    }
  }

  /**
   * Owner first (chown clears set-id bits and {@code security.capability}), then mode, xattrs
   * (overlayfs' own excepted) and times last. Without root the owner stays the caller's, and what
   * the kernel lets only root set is left out, as rootless overlayfs does.
   */
  private void copyAttributes(String source, String target, Statx st) throws IOException {
    String parent = WritableUnion.parentOf(target);
    String name = WritableUnion.nameOf(target);
    String sourceParent = WritableUnion.parentOf(source);
    try (Fd dir = Posix.openat(Fd.CWD, parent, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, parent);
        Fd from = Posix.openat(Fd.CWD, sourceParent, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, sourceParent)) {
      if (root) {
        Posix.lchownat(dir, name, (int) st.uid(), (int) st.gid(), target);
      }
      if (!st.isSymlink()) {
        Posix.lchmodat(dir, name, st.permissions(), target);
      }
      for (Map.Entry<String, byte[]> x : Xattrs.all(from, WritableUnion.nameOf(source), source).entrySet()) {
        if (x.getKey().startsWith(union.privatePrefix())) {
          continue;
        }
        try {
          Xattrs.lsetxattrat(dir, name, x.getKey(), x.getValue(), target);
        } catch (LinuxException e) {
          if (root || (e.errno() != Errno.EPERM && e.errno() != Errno.EOPNOTSUPP)) {
            throw e;
          }
        }
      }
      Posix.lutimesat(dir, name, new FileTimes(st.mtime(), Instant.ofEpochSecond(st.atimeSeconds(), st.atimeNanos())), target);
    }
  }

  /** Replaces whatever the upper directory holds at {@code path} with a whiteout. */
  void whiteout(String path) throws IOException {
    String host = removeUpper(path);
    Posix.mknodat(Fd.CWD, host, Posix.S_IFCHR, 0, 0, path);
  }

  /**
   * Removes the upper directory's entry at {@code path}, if any (a directory with everything in
   * it: the caller checked that the union shows it empty, so only whiteouts are there); its host path.
   */
  String removeUpper(String path) throws IOException {
    String host = union.host(0, path);
    var st = WritableUnion.lstat(host);
    if (st.isPresent()) {
      String parent = WritableUnion.parentOf(host);
      try (Fd dir = Posix.openat(Fd.CWD, parent, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, parent)) {
        Directories.removeAll(dir, WritableUnion.nameOf(host), host);
      }
    }
    return host;
  }

  /** Marks the upper directory {@code path}: nothing below shows through it. */
  void setOpaque(String path) throws IOException {
    String host = union.host(0, path);
    String parent = WritableUnion.parentOf(host);
    try (Fd dir = Posix.openat(Fd.CWD, parent, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, parent)) {
      Xattrs.lsetxattrat(dir, WritableUnion.nameOf(host), union.opaqueKey(), new byte[] {'y'}, path);
    }
  }
}
