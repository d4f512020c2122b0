package dev.strata.fuse.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.strata.fuse.internal.WritableUnion.Child;
import dev.strata.fuse.internal.WritableUnion.Found;
import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.FileIo;
import dev.strata.linux.FileTimes;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.linux.Xattrs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The low-level operations of a writable mount: kernel overlayfs' semantics over a {@link
 * WritableUnion}, every change written into its upper directory at once (nothing is buffered in
 * this process, so killing it loses nothing the kernel was told is written). Node IDs name union
 * paths (a rename moves them); {@code st_ino} names inodes, stable for the mount's life: a lower
 * inode keeps its number when copied up.
 *
 * <p>Changes to the tree are serialized on this object; file data moves outside that lock.
 * Every callback replies exactly once and lets no exception reach native code.
 */
@SuppressWarnings("restricted") // sizes the C buffers and structs libfuse hands each write operation
final class WritableOps {
  private static final int O_ACCMODE = 3;
  private static final int O_TRUNC = 01000;
  private static final int O_APPEND = 02000;
  private static final int S_ISGID = 02000;
  private static final int RENAME_NOREPLACE = 1;
  /** linux/fs.h: swap the two names atomically; both must exist. */
  private static final int RENAME_EXCHANGE = 2;
  private static final long FUSE_ROOT_ID = 1;
  /** fuse_lowlevel.h's FUSE_SET_ATTR_* bits. */
  private static final int SET_MODE = 1, SET_UID = 2, SET_GID = 4, SET_SIZE = 8, SET_ATIME = 16, SET_MTIME = 32,
      SET_ATIME_NOW = 128, SET_MTIME_NOW = 256;
  /**
   * No caching of entries and attributes: the tree changes, and some changes (an ACL set as an
   * xattr changes the mode) are not replied with attributes; correctness over speed here.
   */
  private static final double TIMEOUT_SECONDS = 0;

  private final WritableUnion union;
  private final CopyUp copyUp;
  private final Path statfsOf;
  private final boolean root = Posix.geteuid() == 0;
  private final Map<Long, String> paths = new ConcurrentHashMap<>();
  private final Map<String, Long> nodeIds = new HashMap<>();
  private final Map<Identity, Long> inodes = new HashMap<>();
  private final AtomicLong nextNode = new AtomicLong(FUSE_ROOT_ID + 1);
  private final AtomicLong nextInode = new AtomicLong(1);
  private final Map<Long, Fd> files = new ConcurrentHashMap<>();
  private final Map<Long, List<Listed>> dirs = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1);

  private record Identity(long dev, long ino) {}

  private record Listed(String name, long ino, int mode) {}

  WritableOps(String upper, String work, List<String> lowers, boolean userxattr, Path statfsOf) throws IOException {
    this.union = new WritableUnion(upper, lowers, userxattr);
    this.copyUp = new CopyUp(union, work, this::copied);
    this.statfsOf = statfsOf;
    paths.put(FUSE_ROOT_ID, "");
    nodeIds.put("", FUSE_ROOT_ID);
  }

  private synchronized void copied(Statx from, Statx to) {
    inodes.put(new Identity(to.dev(), to.ino()), inode(from));
  }

  /** A {@code struct fuse_lowlevel_ops} whose callbacks live as long as {@code arena}. */
  MemorySegment table(Arena arena) {
    MemorySegment ops = arena.allocate(ADDRESS.byteSize() * LibFuse.OPS_COUNT);
    bind(ops, arena, LibFuse.OP_LOOKUP, "lookup", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_FORGET, "forget", ADDRESS, JAVA_LONG, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_GETATTR, "getattr", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_SETATTR, "setattr", ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS);
    bind(ops, arena, LibFuse.OP_READLINK, "readlink", ADDRESS, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_MKNOD, "mknod", ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_MKDIR, "mkdir", ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT);
    bind(ops, arena, LibFuse.OP_UNLINK, "unlink", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_RMDIR, "rmdir", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_SYMLINK, "symlink", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_RENAME, "rename", ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT);
    bind(ops, arena, LibFuse.OP_LINK, "link", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_OPEN, "open", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_READ, "read", ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_WRITE, "write", ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_FLUSH, "flush", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_RELEASE, "release", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_FSYNC, "fsync", ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS);
    bind(ops, arena, LibFuse.OP_OPENDIR, "opendir", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_READDIR, "readdir", ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_RELEASEDIR, "releasedir", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_STATFS, "statfs", ADDRESS, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_SETXATTR, "setxattr", ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    bind(ops, arena, LibFuse.OP_GETXATTR, "getxattr", ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_LISTXATTR, "listxattr", ADDRESS, JAVA_LONG, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_REMOVEXATTR, "removexattr", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_CREATE, "create", ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS);
    return ops;
  }

  private void bind(MemorySegment ops, Arena arena, int index, String name, MemoryLayout... args) {
    FunctionDescriptor descriptor = FunctionDescriptor.ofVoid(args);
    try {
      MethodHandle target = MethodHandles.lookup().findVirtual(WritableOps.class, name, descriptor.toMethodType()).bindTo(this);
      ops.setAtIndex(ADDRESS, index, LibFuse.upcall(target, descriptor, arena));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no callback " + name, e);
    }
  }

  /** A callback's body: replies itself, or throws for an error reply. */
  private interface Body {
    void run(Arena arena) throws Throwable;
  }

  private static void reply(MemorySegment req, Body body) {
    try (Arena arena = Arena.ofConfined()) {
      body.run(arena);
    } catch (Throwable t) {
      error(req, switch (t) {
        case LinuxException e -> e.errno();
        default -> {
          System.err.println("strata fuse: " + t);
          yield Errno.EIO;
        }
      });
    }
  }

  // ---- names and inodes ----

  private String path(long node) throws LinuxException {
    String p = paths.get(node);
    if (p == null) {
      throw new LinuxException(Errno.ENOENT, "node", Long.toString(node));
    }
    return p;
  }

  private static String name(MemorySegment cstring) {
    // byte strings (dev.strata.linux.Names): ISO-8859-1 maps each byte to one char
    return cstring.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.ISO_8859_1);
  }

  private Found found(String path) throws IOException {
    return union.resolve(path).orElseThrow(() -> new LinuxException(Errno.ENOENT, "lookup", path));
  }

  private synchronized long nodeId(String path) {
    return nodeIds.computeIfAbsent(path, p -> {
      long id = nextNode.getAndIncrement();
      paths.put(id, p);
      return id;
    });
  }

  private synchronized long inode(Statx st) {
    return inodes.computeIfAbsent(new Identity(st.dev(), st.ino()), k -> nextInode.getAndIncrement());
  }

  /** A rename moved {@code from} (and everything below it) to {@code to}; what was at {@code to} is forgotten. */
  private synchronized void moved(String from, String to) {
    forgetPath(to);
    for (Map.Entry<String, Long> e : List.copyOf(nodeIds.entrySet())) {
      String p = e.getKey();
      if (p.equals(from) || p.startsWith(from + "/")) {
        String now = to + p.substring(from.length());
        nodeIds.remove(p);
        nodeIds.put(now, e.getValue());
        paths.put(e.getValue(), now);
      }
    }
  }

  /** The node IDs of {@code a} and {@code b} and of everything below them, swapped. */
  private synchronized void exchanged(String a, String b) {
    Map<String, Long> moving = new java.util.HashMap<>();
    for (Map.Entry<String, Long> e : List.copyOf(nodeIds.entrySet())) {
      String p = e.getKey();
      String now = under(p, a) ? b + p.substring(a.length()) : under(p, b) ? a + p.substring(b.length()) : null;
      if (now != null) {
        nodeIds.remove(p);
        moving.put(now, e.getValue());
      }
    }
    moving.forEach((p, id) -> {
      nodeIds.put(p, id);
      paths.put(id, p);
    });
  }

  private static boolean under(String p, String dir) {
    return p.equals(dir) || p.startsWith(dir + "/");
  }

  private synchronized void forgetPath(String path) {
    nodeIds.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
  }

  // ---- replies ----

  private void entry(MemorySegment req, Arena arena, String path) throws Throwable {
    MemorySegment param = arena.allocate(LibFuse.ENTRY_SIZE);
    fillEntry(param, path);
    int rc = (int) LibFuse.REPLY_ENTRY.handle().invokeExact(req, param);
  }

  private void fillEntry(MemorySegment param, String path) throws IOException {
    Found f = found(path);
    param.set(JAVA_LONG, 0, nodeId(path));
    stat(param, 16, f);
    param.set(JAVA_DOUBLE, 16 + LibFuse.STAT_SIZE, TIMEOUT_SECONDS);
    param.set(JAVA_DOUBLE, 24 + LibFuse.STAT_SIZE, TIMEOUT_SECONDS);
  }

  private void attr(MemorySegment req, Arena arena, String path) throws Throwable {
    MemorySegment st = arena.allocate(LibFuse.STAT_SIZE);
    stat(st, 0, found(path));
    int rc = (int) LibFuse.REPLY_ATTR.handle().invokeExact(req, st, TIMEOUT_SECONDS);
  }

  /** Fills a {@code struct stat}; a merged directory has one link, as kernel overlayfs reports it. */
  private void stat(MemorySegment s, long at, Found f) throws IOException {
    Statx st = f.top();
    s.set(JAVA_LONG, at, 0);
    s.set(JAVA_LONG, at + 8, inode(st));
    s.set(JAVA_LONG, at + 16, f.isDirectory() && union.merged(f) ? 1 : st.nlink());
    s.set(JAVA_INT, at + 24, st.mode());
    s.set(JAVA_INT, at + 28, (int) st.uid());
    s.set(JAVA_INT, at + 32, (int) st.gid());
    s.set(JAVA_LONG, at + 40, (st.rdevMajor() << 8) | st.rdevMinor()); // new_encode_dev for the small numbers images hold
    s.set(JAVA_LONG, at + 48, st.size());
    s.set(JAVA_LONG, at + 56, 4096);
    s.set(JAVA_LONG, at + 64, st.blocks());
    s.set(JAVA_LONG, at + 72, st.atimeSeconds());
    s.set(JAVA_LONG, at + 80, st.atimeNanos());
    s.set(JAVA_LONG, at + 88, st.mtimeSeconds());
    s.set(JAVA_LONG, at + 96, st.mtimeNanos());
    s.set(JAVA_LONG, at + 104, st.ctimeSeconds());
    s.set(JAVA_LONG, at + 112, st.ctimeNanos());
  }

  private static void error(MemorySegment req, int errno) {
    try {
      int rc = (int) LibFuse.REPLY_ERR.handle().invokeExact(req, errno);
    } catch (Throwable t) {
      // the request is gone; nothing else to do
    }
  }

  // ---- reading ----

  void lookup(MemorySegment req, long parent, MemorySegment name) {
    reply(req, arena -> {
      String path;
      Optional<Found> f;
      synchronized (this) {
        path = WritableUnion.child(path(parent), name(name));
        f = union.resolve(path);
      }
      if (f.isEmpty()) {
        MemorySegment param = arena.allocate(LibFuse.ENTRY_SIZE); // node ID 0: a negative entry
        int rc = (int) LibFuse.REPLY_ENTRY.handle().invokeExact(req, param);
        return;
      }
      entry(req, arena, path);
    });
  }

  void forget(MemorySegment req, long ino, long nlookup) {
    try {
      LibFuse.REPLY_NONE.handle().invokeExact(req); // node IDs stay: a path keeps its ID for the mount's life
    } catch (Throwable t) {
      // nothing to reply to
    }
  }

  void getattr(MemorySegment req, long ino, MemorySegment fi) {
    reply(req, arena -> attr(req, arena, path(ino)));
  }

  void readlink(MemorySegment req, long ino) {
    reply(req, arena -> {
      Found f = found(path(ino));
      String host = union.host(f.layers().getFirst(), f.path());
      String target = Posix.readlinkat(Fd.CWD, host, host);
      int rc = (int) LibFuse.REPLY_READLINK.handle().invokeExact(req, arena.allocateFrom(target, StandardCharsets.ISO_8859_1));
    });
  }

  void open(MemorySegment req, long ino, MemorySegment fi) {
    reply(req, arena -> {
      MemorySegment info = fi.reinterpret(LibFuse.FILE_INFO_SIZE);
      int flags = info.get(JAVA_INT, LibFuse.FI_FLAGS);
      boolean writes = (flags & O_ACCMODE) != Posix.O_RDONLY || (flags & O_TRUNC) != 0;
      String host;
      synchronized (this) {
        Found f = found(path(ino));
        if (writes) {
          f = copyUp.ensureUpper(f);
        }
        host = union.host(f.layers().getFirst(), f.path());
      }
      Fd fd = Posix.openat(Fd.CWD, host, (flags & (O_ACCMODE | O_TRUNC | O_APPEND)) | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, host);
      long fh = nextHandle.getAndIncrement();
      files.put(fh, fd);
      info.set(JAVA_LONG, LibFuse.FI_FH, fh);
      int rc = (int) LibFuse.REPLY_OPEN.handle().invokeExact(req, info);
    });
  }

  void read(MemorySegment req, long ino, long size, long offset, MemorySegment fi) {
    reply(req, arena -> {
      Fd fd = handle(fi);
      MemorySegment buf = arena.allocate(Math.max(size, 1));
      long done = 0;
      while (done < size) {
        long n = FileIo.pread(fd, buf.asSlice(done), size - done, offset + done, "read");
        if (n == 0) {
          break;
        }
        done += n;
      }
      int rc = (int) LibFuse.REPLY_BUF.handle().invokeExact(req, buf, done);
    });
  }

  void write(MemorySegment req, long ino, MemorySegment buf, long size, long offset, MemorySegment fi) {
    reply(req, arena -> {
      Posix.writeFully(handle(fi), buf.reinterpret(size), size, offset, "write");
      int rc = (int) LibFuse.REPLY_WRITE.handle().invokeExact(req, size);
    });
  }

  void flush(MemorySegment req, long ino, MemorySegment fi) {
    error(req, 0); // every write is already in the upper file
  }

  void fsync(MemorySegment req, long ino, int datasync, MemorySegment fi) {
    reply(req, arena -> {
      try (var channel = java.nio.channels.FileChannel.open(Path.of(handle(fi).procPath()), java.nio.file.StandardOpenOption.READ)) {
        channel.force(datasync == 0);
      }
      error(req, 0);
    });
  }

  void release(MemorySegment req, long ino, MemorySegment fi) {
    Fd fd = files.remove(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
    if (fd != null) {
      fd.close();
    }
    error(req, 0);
  }

  private Fd handle(MemorySegment fi) throws LinuxException {
    Fd fd = files.get(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
    if (fd == null) {
      throw new LinuxException(Errno.EBADF, "handle", "");
    }
    return fd;
  }

  void opendir(MemorySegment req, long ino, MemorySegment fi) {
    reply(req, arena -> {
      List<Listed> listed = new java.util.ArrayList<>();
      synchronized (this) {
        Found dir = found(path(ino));
        // "." and "..", as kernel overlayfs lists them (ls -a shows what readdir gives)
        listed.add(new Listed(".", inode(dir.top()), Posix.S_IFDIR));
        listed.add(new Listed("..", inode(dir.top()), Posix.S_IFDIR));
        for (Child c : union.list(dir)) {
          listed.add(new Listed(c.name(), inode(c.stat()), c.stat().mode()));
        }
      }
      MemorySegment info = fi.reinterpret(LibFuse.FILE_INFO_SIZE);
      long fh = nextHandle.getAndIncrement();
      dirs.put(fh, listed);
      info.set(JAVA_LONG, LibFuse.FI_FH, fh);
      int rc = (int) LibFuse.REPLY_OPEN.handle().invokeExact(req, info);
    });
  }

  void readdir(MemorySegment req, long ino, long size, long offset, MemorySegment fi) {
    reply(req, arena -> {
      List<Listed> entries = dirs.get(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
      if (entries == null) {
        throw new LinuxException(Errno.EBADF, "readdir", "");
      }
      LibFuse.replyDirents(req, size, offset, entries.size(), i -> {
        Listed e = entries.get(i);
        return new LibFuse.Dirent(e.name().getBytes(StandardCharsets.ISO_8859_1), e.ino(), e.mode()); // names are byte strings here
      }, arena);
    });
  }

  void releasedir(MemorySegment req, long ino, MemorySegment fi) {
    dirs.remove(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
    error(req, 0);
  }

  void statfs(MemorySegment req, long ino) {
    reply(req, arena -> {
      MemorySegment st = LibFuse.statvfs(statfsOf.toString(), arena);
      if (st == null) {
        throw new LinuxException(Errno.EIO, "statvfs", statfsOf.toString());
      }
      int rc = (int) LibFuse.REPLY_STATFS.handle().invokeExact(req, st);
    });
  }

  void getxattr(MemorySegment req, long ino, MemorySegment name, long size) {
    reply(req, arena -> {
      byte[] value = xattrs(ino).get(name(name));
      if (value == null) {
        throw new LinuxException(Errno.ENODATA, "getxattr", "");
      }
      replySized(req, arena, value, size);
    });
  }

  void listxattr(MemorySegment req, long ino, long size) {
    reply(req, arena -> {
      ByteArrayOutputStream names = new ByteArrayOutputStream();
      for (String key : xattrs(ino).keySet()) {
        names.writeBytes(key.getBytes(StandardCharsets.ISO_8859_1));
        names.write(0);
      }
      replySized(req, arena, names.toByteArray(), size);
    });
  }

  /** What the union shows of an entry's xattrs: overlayfs' own are hidden, as the kernel hides them. */
  private Map<String, byte[]> xattrs(long ino) throws IOException {
    Map<String, byte[]> out;
    synchronized (this) {
      Found f = found(path(ino));
      out = WritableUnion.xattrs(union.host(f.layers().getFirst(), f.path()));
    }
    out.keySet().removeIf(k -> k.startsWith(union.privatePrefix()));
    return out;
  }

  private static void replySized(MemorySegment req, Arena arena, byte[] value, long size) throws Throwable {
    if (size == 0) {
      int rc = (int) LibFuse.REPLY_XATTR.handle().invokeExact(req, (long) value.length);
    } else if (size < value.length) {
      throw new LinuxException(Errno.ERANGE, "xattr", "");
    } else {
      MemorySegment buf = arena.allocate(Math.max(value.length, 1));
      MemorySegment.copy(value, 0, buf, JAVA_BYTE, 0, value.length);
      int rc = (int) LibFuse.REPLY_BUF.handle().invokeExact(req, buf, (long) value.length);
    }
  }

  // ---- changing ----

  void setattr(MemorySegment req, long ino, MemorySegment attr, int toSet, MemorySegment fi) {
    reply(req, arena -> {
      MemorySegment a = attr.reinterpret(LibFuse.STAT_SIZE);
      String path;
      synchronized (this) {
        path = path(ino);
        Found f = copyUp.ensureUpper(found(path));
        String host = union.host(0, path);
        try (WritableUnion.At at = WritableUnion.at(host)) {
          if ((toSet & (SET_UID | SET_GID)) != 0) {
            int uid = (toSet & SET_UID) != 0 ? a.get(JAVA_INT, 28) : -1;
            int gid = (toSet & SET_GID) != 0 ? a.get(JAVA_INT, 32) : -1;
            Posix.lchownat(at.dir(), at.name(), uid, gid, path);
          }
          if ((toSet & SET_MODE) != 0) {
            Posix.lchmodat(at.dir(), at.name(), a.get(JAVA_INT, 24) & 07777, path);
          }
          if ((toSet & SET_SIZE) != 0) {
            Fd open = fi.equals(MemorySegment.NULL) ? null : files.get(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
            if (open != null) {
              Posix.ftruncate(open, a.get(JAVA_LONG, 48), path);
            } else {
              try (Fd fd = Posix.openat(Fd.CWD, host, Posix.O_WRONLY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0, path)) {
                Posix.ftruncate(fd, a.get(JAVA_LONG, 48), path);
              }
            }
          }
          if ((toSet & (SET_ATIME | SET_MTIME | SET_ATIME_NOW | SET_MTIME_NOW)) != 0) {
            Statx now = Posix.lstatat(Fd.CWD, host, path);
            Instant atime = time(toSet, SET_ATIME, SET_ATIME_NOW, a, 72, Instant.ofEpochSecond(now.atimeSeconds(), now.atimeNanos()));
            Instant mtime = time(toSet, SET_MTIME, SET_MTIME_NOW, a, 88, now.mtime());
            Posix.lutimesat(at.dir(), at.name(), new FileTimes(mtime, atime), path);
          }
        }
      }
      attr(req, arena, path);
    });
  }

  private static Instant time(int toSet, int set, int setNow, MemorySegment a, long at, Instant unchanged) {
    if ((toSet & setNow) != 0) {
      return Instant.now();
    }
    if ((toSet & set) != 0) {
      return Instant.ofEpochSecond(a.get(JAVA_LONG, at), a.get(JAVA_LONG, at + 8));
    }
    return unchanged;
  }

  void mknod(MemorySegment req, long parent, MemorySegment name, int mode, long rdev) {
    long major = ((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL);
    long minor = (rdev & 0xff) | ((rdev >> 12) & ~0xffL);
    make(req, parent, name, mode, MemorySegment.NULL, (at, leaf) -> {
      Posix.mknodat(at, leaf, mode, major, minor, leaf);
      return null;
    });
  }

  void mkdir(MemorySegment req, long parent, MemorySegment name, int mode) {
    make(req, parent, name, mode | Posix.S_IFDIR, MemorySegment.NULL, (at, leaf) -> {
      Posix.mkdirat(at, leaf, 0700, leaf);
      return null;
    });
  }

  void symlink(MemorySegment req, MemorySegment link, long parent, MemorySegment name) {
    String target = name(link);
    make(req, parent, name, Posix.S_IFLNK | 0777, MemorySegment.NULL, (at, leaf) -> {
      Posix.symlinkat(target, at, leaf, leaf);
      return null;
    });
  }

  void create(MemorySegment req, long parent, MemorySegment name, int mode, MemorySegment fi) {
    MemorySegment info = fi.reinterpret(LibFuse.FILE_INFO_SIZE);
    int flags = info.get(JAVA_INT, LibFuse.FI_FLAGS);
    int open = (flags & (O_ACCMODE | O_APPEND)) | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW | Posix.O_CLOEXEC;
    make(req, parent, name, mode | Posix.S_IFREG, info, (at, leaf) -> Posix.openat(at, leaf, open, 0600, leaf));
  }

  /** Makes one new entry in the upper directory; the open file for {@code create}, else null. */
  private interface Maker {
    @org.jspecify.annotations.Nullable Fd make(Fd dir, String leaf) throws IOException;
  }

  /**
   * Creates {@code name} in {@code parent} in the upper directory (copying the parent up) with
   * the caller's owner and exactly {@code mode} (the kernel applied the umask), replacing a
   * whiteout there: a directory made over one is opaque, as overlayfs makes it. With a file info
   * ({@code create}) the new file stays open as its handle.
   */
  private void make(MemorySegment req, long parent, MemorySegment name, int mode, MemorySegment fi, Maker maker) {
    reply(req, arena -> {
      String path;
      Fd opened;
      synchronized (this) {
        path = WritableUnion.child(path(parent), name(name));
        if (union.resolve(path).isPresent()) {
          throw new LinuxException(Errno.EEXIST, "create", path);
        }
        String upperParent = copyUp.ensureUpperDirectory(WritableUnion.parentOf(path));
        boolean overWhiteout = WritableUnion.lstat(union.host(0, path)).isPresent();
        copyUp.removeUpper(path);
        try (Fd dir = Posix.openat(Fd.CWD, upperParent, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, upperParent)) {
          String leaf = WritableUnion.nameOf(path);
          opened = maker.make(dir, leaf);
          try {
            boolean inheritGid = (Posix.lstatat(dir, "", upperParent).mode() & S_ISGID) != 0;
            if (root) {
              MemorySegment ctx = ((MemorySegment) LibFuse.REQ_CTX.handle().invokeExact(req)).reinterpret(16);
              Posix.lchownat(dir, leaf, ctx.get(JAVA_INT, 0), inheritGid ? -1 : ctx.get(JAVA_INT, 4), path);
            }
            if ((mode & Posix.S_IFMT) != Posix.S_IFLNK) {
              boolean sgidDir = inheritGid && (mode & Posix.S_IFMT) == Posix.S_IFDIR;
              Posix.lchmodat(dir, leaf, (mode & 07777) | (sgidDir ? S_ISGID : 0), path);
            }
            if (overWhiteout && (mode & Posix.S_IFMT) == Posix.S_IFDIR) {
              copyUp.setOpaque(path);
            }
          } catch (Throwable t) {
            if (opened != null) {
              opened.close();
            }
            throw t;
          }
        }
        forgetPath(path);
      }
      if (opened == null) {
        entry(req, arena, path);
        return;
      }
      long fh = nextHandle.getAndIncrement();
      files.put(fh, opened);
      fi.set(JAVA_LONG, LibFuse.FI_FH, fh);
      MemorySegment param = arena.allocate(LibFuse.ENTRY_SIZE);
      fillEntry(param, path);
      int rc = (int) LibFuse.REPLY_CREATE.handle().invokeExact(req, param, fi);
    });
  }

  void unlink(MemorySegment req, long parent, MemorySegment name) {
    remove(req, parent, name, false);
  }

  void rmdir(MemorySegment req, long parent, MemorySegment name) {
    remove(req, parent, name, true);
  }

  /** unlink / rmdir: the upper entry goes; a whiteout takes its place when a lower layer has the name. */
  private void remove(MemorySegment req, long parent, MemorySegment name, boolean directory) {
    reply(req, arena -> {
      synchronized (this) {
        String path = WritableUnion.child(path(parent), name(name));
        Found f = found(path);
        if (directory && !f.isDirectory()) {
          throw new LinuxException(Errno.ENOTDIR, "rmdir", path);
        }
        if (!directory && f.isDirectory()) {
          throw new LinuxException(Errno.EISDIR, "unlink", path);
        }
        if (directory && !union.list(f).isEmpty()) {
          throw new LinuxException(Errno.ENOTEMPTY, "rmdir", path);
        }
        copyUp.ensureUpperDirectory(WritableUnion.parentOf(path));
        if (f.lowerPositive()) {
          copyUp.whiteout(path);
        } else {
          copyUp.removeUpper(path);
        }
        forgetPath(path);
      }
      error(req, 0);
    });
  }

  /**
   * rename as kernel overlayfs without {@code redirect_dir} (strata's mounts, and Debian's
   * default): a directory that a lower layer shows through is refused with EXDEV (mv then copies);
   * anything else is copied up and renamed in the upper directory, a whiteout left where a lower
   * layer had the old name, and a directory moved into a merged one made opaque.
   */
  void rename(MemorySegment req, long parent, MemorySegment name, long newParent, MemorySegment newName, int flags) {
    reply(req, arena -> {
      synchronized (this) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0 || flags == (RENAME_NOREPLACE | RENAME_EXCHANGE)) {
          throw new LinuxException(Errno.EINVAL, "rename", "flags " + flags);
        }
        String from = WritableUnion.child(path(parent), name(name));
        String to = WritableUnion.child(path(newParent), name(newName));
        if ((flags & RENAME_EXCHANGE) != 0) {
          exchange(from, to);
          error(req, 0);
          return;
        }
        Found old = found(from);
        Optional<Found> existing = union.resolve(to);
        if (existing.isPresent() && (flags & RENAME_NOREPLACE) != 0) {
          throw new LinuxException(Errno.EEXIST, "rename", to);
        }
        if (from.equals(to)) {
          error(req, 0);
          return;
        }
        if (old.isDirectory() && union.merged(old) || old.isDirectory() && !old.inUpper()) {
          throw new LinuxException(Errno.EXDEV, "rename", from);
        }
        if (existing.isPresent()) {
          Found e = existing.get();
          if (e.isDirectory() && !old.isDirectory()) {
            throw new LinuxException(Errno.EISDIR, "rename", to);
          }
          if (!e.isDirectory() && old.isDirectory()) {
            throw new LinuxException(Errno.ENOTDIR, "rename", to);
          }
          if (e.isDirectory() && !union.list(e).isEmpty()) {
            throw new LinuxException(Errno.ENOTEMPTY, "rename", to);
          }
        }
        old = copyUp.ensureUpper(old);
        copyUp.ensureUpperDirectory(WritableUnion.parentOf(to));
        var upperAtTarget = WritableUnion.lstat(union.host(0, to));
        if (upperAtTarget.isPresent() && (upperAtTarget.get().isDirectory() || upperAtTarget.get().isOverlayWhiteout())) {
          copyUp.removeUpper(to); // an empty-looking directory (whiteouts only) or a whiteout
        }
        Posix.renameat(Fd.CWD, union.host(0, from), Fd.CWD, union.host(0, to), 0, from);
        if (old.lowerPositive()) {
          copyUp.whiteout(from);
        }
        if (old.isDirectory() && !union.opaque(union.host(0, to)) && union.merged(found(WritableUnion.parentOf(to)))) {
          copyUp.setOpaque(to);
        }
        moved(from, to);
      }
      error(req, 0);
    });
  }

  /**
   * RENAME_EXCHANGE as {@code ovl_rename} does it without {@code redirect_dir}: both names must
   * exist; a directory a lower layer shows through cannot move ({@code EXDEV}); both are copied up
   * and swapped in the upper directory, which leaves no whiteout (both names stay taken); a
   * directory that lands in a merged directory is made opaque.
   */
  private void exchange(String from, String to) throws IOException {
    Found a = found(from);
    Found b = found(to);
    if (from.equals(to)) {
      return;
    }
    for (Found f : List.of(a, b)) {
      if (f.isDirectory() && (union.merged(f) || !f.inUpper())) {
        throw new LinuxException(Errno.EXDEV, "rename", f.path());
      }
    }
    a = copyUp.ensureUpper(a);
    b = copyUp.ensureUpper(b);
    Posix.renameat(Fd.CWD, union.host(0, from), Fd.CWD, union.host(0, to), RENAME_EXCHANGE, from);
    if (a.isDirectory() && !union.opaque(union.host(0, to)) && union.merged(found(WritableUnion.parentOf(to)))) {
      copyUp.setOpaque(to);
    }
    if (b.isDirectory() && !union.opaque(union.host(0, from)) && union.merged(found(WritableUnion.parentOf(from)))) {
      copyUp.setOpaque(from);
    }
    exchanged(from, to);
  }

  void link(MemorySegment req, long ino, long newParent, MemorySegment newName) {
    reply(req, arena -> {
      String to;
      synchronized (this) {
        String from = path(ino);
        to = WritableUnion.child(path(newParent), name(newName));
        if (union.resolve(to).isPresent()) {
          throw new LinuxException(Errno.EEXIST, "link", to);
        }
        Found source = copyUp.ensureUpper(found(from));
        copyUp.ensureUpperDirectory(WritableUnion.parentOf(to));
        copyUp.removeUpper(to); // a whiteout, if any
        Posix.linkat(Fd.CWD, union.host(0, source.path()), Fd.CWD, union.host(0, to), to);
        forgetPath(to);
      }
      entry(req, arena, to);
    });
  }

  void setxattr(MemorySegment req, long ino, MemorySegment name, MemorySegment value, long size, int flags) {
    reply(req, arena -> {
      String key = name(name);
      if (key.startsWith(union.privatePrefix())) {
        throw new LinuxException(Errno.EPERM, "setxattr", key);
      }
      byte[] bytes = value.reinterpret(size).toArray(JAVA_BYTE);
      synchronized (this) {
        String path = path(ino);
        copyUp.ensureUpper(found(path));
        try (WritableUnion.At at = WritableUnion.at(union.host(0, path))) {
          Xattrs.lsetxattrat(at.dir(), at.name(), key, bytes, path);
        }
      }
      error(req, 0);
    });
  }

  void removexattr(MemorySegment req, long ino, MemorySegment name) {
    reply(req, arena -> {
      String key = name(name);
      if (key.startsWith(union.privatePrefix())) {
        throw new LinuxException(Errno.EPERM, "removexattr", key);
      }
      synchronized (this) {
        String path = path(ino);
        copyUp.ensureUpper(found(path));
        try (WritableUnion.At at = WritableUnion.at(union.host(0, path))) {
          Xattrs.lremovexattrat(at.dir(), at.name(), key, path);
        }
      }
      error(req, 0);
    });
  }
}
