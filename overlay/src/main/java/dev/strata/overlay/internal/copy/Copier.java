package dev.strata.overlay.internal.copy;

import static dev.strata.linux.Posix.O_CLOEXEC;
import static dev.strata.linux.Posix.O_CREAT;
import static dev.strata.linux.Posix.O_DIRECTORY;
import static dev.strata.linux.Posix.O_EXCL;
import static dev.strata.linux.Posix.O_NOFOLLOW;
import static dev.strata.linux.Posix.O_RDONLY;
import static dev.strata.linux.Posix.O_WRONLY;

import dev.strata.linux.Directories;
import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.FileIo;
import dev.strata.linux.FileTimes;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.linux.Xattrs;
import dev.strata.overlay.tree.CopyResult;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One tree copy: a depth-first walk holding a descriptor per directory on both sides. Per entry
 * the order is the applier's: create, chown (clears setuid/setgid and capabilities), xattrs, mode,
 * times; a directory's attributes come after its contents (writing children moves its mtime, a
 * read-only mode would block them).
 */
public final class Copier {
  private record Inode(long dev, long ino) {}

  private final boolean root = Posix.geteuid() == 0;
  private final Map<Inode, String> copied = new HashMap<>();
  private Boolean reflinks; // null until the first regular file tells
  private boolean copyRange = true;
  private long files, reflinked, hardlinks, directories, symlinks, specials, skipped, bytes;
  private Fd targetRoot;
  private MemorySegment buffer;

  public CopyResult copy(Path source, Path target) throws IOException {
    try (Fd src = Posix.openTree(host(source));
        Fd dst = Posix.openTree(host(target));
        Arena arena = Arena.ofConfined()) {
      targetRoot = dst;
      buffer = arena.allocate(1 << 20);
      directory(src, dst, "");
      attributes(src, "", dst, "", Posix.lstatat(src, "", "."), "");
      directories++;
    }
    return new CopyResult(files, reflinked, hardlinks, directories, symlinks, specials, skipped, bytes);
  }

  private void directory(Fd src, Fd dst, String path) throws IOException {
    List<String> names = new ArrayList<>(Directories.list(src, path));
    Collections.sort(names);
    for (String name : names) {
      String p = path.isEmpty() ? name : path + "/" + name;
      Statx st = Posix.lstatat(src, name, p);
      switch (st.type()) {
        case Posix.S_IFDIR -> {
          Posix.mkdirat(dst, name, 0700, p);
          try (Fd s = Posix.openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0, p);
              Fd d = Posix.openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0, p)) {
            directory(s, d, p);
          }
          attributes(src, name, dst, name, st, p);
          directories++;
        }
        case Posix.S_IFREG -> regular(src, dst, name, st, p);
        case Posix.S_IFLNK -> {
          Posix.symlinkat(Posix.readlinkat(src, name, p), dst, name, p);
          attributes(src, name, dst, name, st, p);
          symlinks++;
        }
        case Posix.S_IFCHR, Posix.S_IFBLK, Posix.S_IFIFO -> {
          try {
            Posix.mknodat(dst, name, st.type() | 0600, st.rdevMajor(), st.rdevMinor(), p);
          } catch (LinuxException e) {
            if (e.errno() == Errno.EPERM && st.type() != Posix.S_IFIFO) {
              skipped++;
              continue;
            }
            throw e;
          }
          attributes(src, name, dst, name, st, p);
          specials++;
        }
        default -> skipped++; // sockets belong to a running process, not to a tree
      }
    }
  }

  private void regular(Fd srcDir, Fd dstDir, String name, Statx st, String path) throws IOException {
    Inode inode = new Inode(st.dev(), st.ino());
    if (st.nlink() > 1) {
      String first = copied.get(inode);
      if (first != null) {
        Posix.linkat(targetRoot, first, dstDir, name, path); // both inside the copy, made by us
        hardlinks++;
        return;
      }
      copied.put(inode, path);
    }
    try (Fd in = Posix.openat(srcDir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0, path);
        Fd out = Posix.openat(dstDir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600, path)) {
      if (st.size() > 0) {
        data(in, out, st.size(), path);
      }
    }
    attributes(srcDir, name, dstDir, name, st, path);
    files++;
  }

  private void data(Fd in, Fd out, long size, String path) throws IOException {
    if (reflinks == null || reflinks) {
      boolean cloned = FileIo.ficlone(out, in, path);
      if (reflinks == null) {
        reflinks = cloned;
      }
      if (cloned) {
        reflinked++;
        bytes += size;
        return;
      }
    }
    // data regions only: holes stay holes (SEEK_DATA / SEEK_HOLE, Linux 3.1)
    long offset = 0;
    while (offset < size) {
      long data = FileIo.lseek(in, offset, FileIo.SEEK_DATA, path);
      if (data < 0) {
        break; // only a hole is left
      }
      long hole = FileIo.lseek(in, data, FileIo.SEEK_HOLE, path);
      long end = hole < 0 ? size : Math.min(hole, size);
      region(in, out, data, end - data, path);
      offset = end;
    }
    Posix.ftruncate(out, size, path);
  }

  private void region(Fd in, Fd out, long offset, long length, String path) throws IOException {
    long done = 0;
    while (done < length && copyRange) {
      long n = FileIo.copyFileRange(in, offset + done, out, offset + done, length - done, path);
      if (n < 0) {
        copyRange = false; // not on this filesystem pair: copy by hand from here on
      } else if (n == 0) {
        return; // the file shrank
      } else {
        done += n;
        bytes += n;
      }
    }
    if (done < length) {
      FileIo.lseek(in, offset + done, FileIo.SEEK_SET, path);
      while (done < length) {
        long n = FileIo.read(in, buffer, Math.min(buffer.byteSize(), length - done), path);
        if (n == 0) {
          return;
        }
        Posix.writeFully(out, buffer, n, offset + done, path);
        done += n;
        bytes += n;
      }
    }
  }

  /** Owner, xattrs, mode (not for symlinks), mtime of {@code dstName} in {@code dst}; empty names: the directory itself. */
  private void attributes(Fd src, String srcName, Fd dst, String dstName, Statx st, String path) throws IOException {
    if (root) {
      Posix.lchownat(dst, dstName, (int) st.uid(), (int) st.gid(), path);
    }
    for (Map.Entry<String, byte[]> x : Xattrs.all(src, srcName, path).entrySet()) {
      try {
        Xattrs.lsetxattrat(dst, dstName, x.getKey(), x.getValue(), path);
      } catch (LinuxException e) {
        // trusted.* / security.* without privilege, a namespace the target fs lacks: skipped, as cp -a does
        if (e.errno() != Errno.EPERM && e.errno() != Errno.EOPNOTSUPP) {
          throw e;
        }
      }
    }
    if (dstName.isEmpty()) {
      Posix.fchmod(dst, st.permissions(), path);
    } else if (!st.isSymlink()) {
      Posix.lchmodat(dst, dstName, st.permissions(), path);
    }
    Posix.lutimesat(dst, dstName, new FileTimes(st.mtime(), null), path);
  }

  private static String host(Path p) {
    return new String(p.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
