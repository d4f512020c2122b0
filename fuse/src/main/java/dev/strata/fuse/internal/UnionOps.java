package dev.strata.fuse.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.overlay.union.Attributes;
import dev.strata.overlay.union.Entry;
import dev.strata.overlay.union.SurrogateEscape;
import dev.strata.overlay.union.UnionView;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The low-level operations of a read-only union: FUSE node IDs map to {@link Entry}s of one
 * {@link UnionView}, open files and directories to handles. Called on libfuse's worker threads;
 * every callback replies exactly once and never lets an exception reach native code (an
 * exception in an upcall would end the JVM).
 */
@SuppressWarnings("restricted") // sizes the C buffers and structs libfuse hands each operation
final class UnionOps {
  /** Layers never change while mounted: the kernel may keep entries and attributes for a day. */
  static final double TIMEOUT_SECONDS = 86_400;

  private static final int ENOENT = 2;
  private static final int EIO = 5;
  private static final int ENOTDIR = 20;
  private static final int EINVAL = 22;
  private static final int EROFS = 30;
  private static final int ERANGE = 34;
  private static final int ENODATA = 61;
  private static final int O_ACCMODE = 3;
  private static final long FUSE_ROOT_ID = 1;

  private final UnionView view;
  private final Path statfsOf;
  private final long rootIno;
  /** Node IDs the kernel knows: 1 for the root, the union inode + 1 for the rest (so never 1). */
  private final Map<Long, Entry> nodes = new ConcurrentHashMap<>();
  private final Map<Long, FileChannel> files = new ConcurrentHashMap<>();
  private final Map<Long, List<Entry>> dirs = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1);

  UnionOps(UnionView view, Path statfsOf) throws IOException {
    this.view = view;
    this.statfsOf = statfsOf;
    Entry.Directory root = view.root();
    this.rootIno = root.attributes().ino();
    nodes.put(FUSE_ROOT_ID, root);
  }

  /** A {@code struct fuse_lowlevel_ops} whose callbacks live as long as {@code arena}. */
  MemorySegment table(Arena arena) {
    MemorySegment ops = arena.allocate(ADDRESS.byteSize() * LibFuse.OPS_COUNT);
    bind(ops, arena, LibFuse.OP_LOOKUP, "lookup", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_FORGET, "forget", ADDRESS, JAVA_LONG, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_GETATTR, "getattr", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_READLINK, "readlink", ADDRESS, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_OPEN, "open", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_READ, "read", ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_RELEASE, "release", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_OPENDIR, "opendir", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_READDIR, "readdir", ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_RELEASEDIR, "releasedir", ADDRESS, JAVA_LONG, ADDRESS);
    bind(ops, arena, LibFuse.OP_STATFS, "statfs", ADDRESS, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_GETXATTR, "getxattr", ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG);
    bind(ops, arena, LibFuse.OP_LISTXATTR, "listxattr", ADDRESS, JAVA_LONG, JAVA_LONG);
    return ops;
  }

  private void bind(MemorySegment ops, Arena arena, int index, String name, java.lang.foreign.MemoryLayout... args) {
    FunctionDescriptor descriptor = FunctionDescriptor.ofVoid(args);
    try {
      MethodHandle target = MethodHandles.lookup().findVirtual(UnionOps.class, name, descriptor.toMethodType()).bindTo(this);
      ops.setAtIndex(ADDRESS, index, LibFuse.upcall(target, descriptor, arena));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no callback " + name, e);
    }
  }

  // ---- callbacks (signatures as in fuse_lowlevel.h) ----

  void lookup(MemorySegment req, long parent, MemorySegment name) {
    try (Arena arena = Arena.ofConfined()) {
      if (!(node(parent) instanceof Entry.Directory dir)) {
        error(req, ENOTDIR);
        return;
      }
      String child = SurrogateEscape.decode(LibFuse.bytes(name));
      MemorySegment param = arena.allocate(LibFuse.ENTRY_SIZE);
      var found = view.lookup(dir.path().isEmpty() ? child : dir.path() + "/" + child);
      if (found.isPresent()) {
        Entry e = found.get();
        long id = nodeId(e);
        nodes.putIfAbsent(id, e);
        param.set(JAVA_LONG, 0, id);
        stat(param, 16, e, id);
      } // else node ID 0: a negative entry the kernel keeps for entry_timeout
      param.set(JAVA_DOUBLE, 16 + LibFuse.STAT_SIZE, TIMEOUT_SECONDS);
      param.set(JAVA_DOUBLE, 24 + LibFuse.STAT_SIZE, TIMEOUT_SECONDS);
      call(LibFuse.REPLY_ENTRY.handle(), req, param);
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void forget(MemorySegment req, long ino, long nlookup) {
    // nodes stay known: a read-only union's entries are few and never change
    try {
      LibFuse.REPLY_NONE.handle().invokeExact(req);
    } catch (Throwable t) {
      // nothing to reply to
    }
  }

  void getattr(MemorySegment req, long ino, MemorySegment fi) {
    try (Arena arena = Arena.ofConfined()) {
      Entry e = node(ino);
      MemorySegment st = arena.allocate(LibFuse.STAT_SIZE);
      stat(st, 0, e, ino);
      int rc = (int) LibFuse.REPLY_ATTR.handle().invokeExact(req, st, TIMEOUT_SECONDS);
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void readlink(MemorySegment req, long ino) {
    try (Arena arena = Arena.ofConfined()) {
      if (!(node(ino) instanceof Entry.Symlink link)) {
        error(req, EINVAL);
        return;
      }
      call(LibFuse.REPLY_READLINK.handle(), req, LibFuse.cString(SurrogateEscape.encode(link.target()), arena));
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void open(MemorySegment req, long ino, MemorySegment fi) {
    try {
      MemorySegment info = fi.reinterpret(LibFuse.FILE_INFO_SIZE);
      if ((info.get(JAVA_INT, LibFuse.FI_FLAGS) & O_ACCMODE) != 0) {
        error(req, EROFS);
        return;
      }
      if (!(node(ino) instanceof Entry.RegularFile file)) {
        error(req, EINVAL);
        return;
      }
      long fh = nextHandle.getAndIncrement();
      files.put(fh, view.open(file));
      info.set(JAVA_LONG, LibFuse.FI_FH, fh);
      info.set(JAVA_INT, LibFuse.FI_BITS, info.get(JAVA_INT, LibFuse.FI_BITS) | LibFuse.FI_KEEP_CACHE);
      call(LibFuse.REPLY_OPEN.handle(), req, info);
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void read(MemorySegment req, long ino, long size, long offset, MemorySegment fi) {
    try (Arena arena = Arena.ofConfined()) {
      FileChannel channel = files.get(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
      if (channel == null) {
        error(req, EIO);
        return;
      }
      MemorySegment buf = arena.allocate(Math.max(size, 1));
      ByteBuffer dst = buf.asByteBuffer().limit((int) size);
      while (dst.hasRemaining()) {
        if (channel.read(dst, offset + dst.position()) < 0) {
          break;
        }
      }
      int rc = (int) LibFuse.REPLY_BUF.handle().invokeExact(req, buf, (long) dst.position());
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void release(MemorySegment req, long ino, MemorySegment fi) {
    try {
      FileChannel channel = files.remove(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
      if (channel != null) {
        channel.close();
      }
      error(req, 0);
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void opendir(MemorySegment req, long ino, MemorySegment fi) {
    try {
      if (!(node(ino) instanceof Entry.Directory dir)) {
        error(req, ENOTDIR);
        return;
      }
      MemorySegment info = fi.reinterpret(LibFuse.FILE_INFO_SIZE);
      long fh = nextHandle.getAndIncrement();
      dirs.put(fh, view.readdir(dir));
      info.set(JAVA_LONG, LibFuse.FI_FH, fh);
      info.set(JAVA_INT, LibFuse.FI_BITS,
          info.get(JAVA_INT, LibFuse.FI_BITS) | LibFuse.FI_KEEP_CACHE | LibFuse.FI_CACHE_READDIR);
      call(LibFuse.REPLY_OPEN.handle(), req, info);
    } catch (Throwable t) {
      error(req, t);
    }
  }

  /** Entries after {@code offset}; an entry's offset is its index + 1, as {@link UnionView#readdir} numbers them. */
  void readdir(MemorySegment req, long ino, long size, long offset, MemorySegment fi) {
    try (Arena arena = Arena.ofConfined()) {
      List<Entry> entries = dirs.get(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
      if (entries == null) {
        error(req, EIO);
        return;
      }
      LibFuse.replyDirents(req, size, offset, entries.size(), i -> {
        Entry e = entries.get(i);
        return new LibFuse.Dirent(SurrogateEscape.encode(e.name()), e.attributes().ino(), e.attributes().mode());
      }, arena);
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void releasedir(MemorySegment req, long ino, MemorySegment fi) {
    dirs.remove(fi.reinterpret(LibFuse.FILE_INFO_SIZE).get(JAVA_LONG, LibFuse.FI_FH));
    error(req, 0);
  }

  /** The file system holding the store: its size, free space and inodes. */
  void statfs(MemorySegment req, long ino) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = LibFuse.statvfs(statfsOf.toString(), arena);
      if (st == null) {
        error(req, EIO);
        return;
      }
      call(LibFuse.REPLY_STATFS.handle(), req, st);
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void getxattr(MemorySegment req, long ino, MemorySegment name, long size) {
    try (Arena arena = Arena.ofConfined()) {
      String key = SurrogateEscape.decode(LibFuse.bytes(name));
      byte[] value = view.xattrs(node(ino)).get(key);
      if (value == null) {
        error(req, ENODATA);
      } else {
        replySized(req, arena, value, size);
      }
    } catch (Throwable t) {
      error(req, t);
    }
  }

  void listxattr(MemorySegment req, long ino, long size) {
    try (Arena arena = Arena.ofConfined()) {
      var names = new java.io.ByteArrayOutputStream();
      for (String key : view.xattrs(node(ino)).keySet()) {
        names.writeBytes(SurrogateEscape.encode(key));
        names.write(0);
      }
      replySized(req, arena, names.toByteArray(), size);
    } catch (Throwable t) {
      error(req, t);
    }
  }

  /** The xattr protocol: size 0 asks for the length; a buffer too small is ERANGE. */
  private static void replySized(MemorySegment req, Arena arena, byte[] value, long size) throws Throwable {
    if (size == 0) {
      int rc = (int) LibFuse.REPLY_XATTR.handle().invokeExact(req, (long) value.length);
    } else if (size < value.length) {
      error(req, ERANGE);
    } else {
      MemorySegment buf = arena.allocate(Math.max(value.length, 1));
      MemorySegment.copy(value, 0, buf, JAVA_BYTE, 0, value.length);
      int rc = (int) LibFuse.REPLY_BUF.handle().invokeExact(req, buf, (long) value.length);
    }
  }

  // ---- helpers ----

  private Entry node(long id) throws NoSuchFileException {
    Entry e = nodes.get(id);
    if (e == null) {
      throw new NoSuchFileException("node " + id);
    }
    return e;
  }

  private long nodeId(Entry e) {
    long ino = e.attributes().ino();
    return ino == rootIno ? FUSE_ROOT_ID : ino + 1;
  }

  /** Fills a {@code struct stat} at {@code at}; {@code st_ino} is the union's inode. */
  private static void stat(MemorySegment s, long at, Entry e, long id) {
    Attributes a = e.attributes();
    s.set(JAVA_LONG, at, 0); // st_dev: the kernel supplies the mount's
    s.set(JAVA_LONG, at + 8, a.ino());
    s.set(JAVA_LONG, at + 16, a.nlink());
    s.set(JAVA_INT, at + 24, a.mode());
    s.set(JAVA_INT, at + 28, (int) a.uid());
    s.set(JAVA_INT, at + 32, (int) a.gid());
    s.set(JAVA_LONG, at + 40, a.rdev());
    s.set(JAVA_LONG, at + 48, a.size());
    s.set(JAVA_LONG, at + 56, 4096); // st_blksize
    s.set(JAVA_LONG, at + 64, (a.size() + 511) / 512); // st_blocks in 512-byte units
    s.set(JAVA_LONG, at + 72, a.lastAccess().getEpochSecond());
    s.set(JAVA_LONG, at + 80, a.lastAccess().getNano());
    s.set(JAVA_LONG, at + 88, a.lastModified().getEpochSecond());
    s.set(JAVA_LONG, at + 96, a.lastModified().getNano());
    s.set(JAVA_LONG, at + 104, a.lastChange().getEpochSecond());
    s.set(JAVA_LONG, at + 112, a.lastChange().getNano());
  }

  private static void call(MethodHandle reply, MemorySegment req, MemorySegment arg) throws Throwable {
    int rc = (int) reply.invokeExact(req, arg);
  }

  private static void error(MemorySegment req, Throwable t) {
    error(req, switch (t) {
      case NoSuchFileException e -> ENOENT;
      case InvalidArgumentException e -> EINVAL;
      default -> {
        // the server's log (ROOT/run/fuse-HASH.log) is where an unexpected failure is explained
        System.err.println("strata fuse: " + t);
        yield EIO;
      }
    });
  }

  private static void error(MemorySegment req, int errno) {
    try {
      int rc = (int) LibFuse.REPLY_ERR.handle().invokeExact(req, errno);
    } catch (Throwable t) {
      // the request is gone (the kernel aborted it); nothing else to do
    }
  }
}
