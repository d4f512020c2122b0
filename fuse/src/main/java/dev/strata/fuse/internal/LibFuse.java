package dev.strata.fuse.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.function.IntFunction;

/**
 * libfuse3's low-level API (fuse_lowlevel.h, libfuse 3.14 on x86_64/aarch64 Linux) through the
 * FFM API, and the layouts of the structs it passes. Offsets are those of the C structs on LP64
 * glibc; each is cited beside its constant. Nothing here is compiled C.
 */
@SuppressWarnings("restricted") // the one door to libfuse3: binds its functions and libfuse's upcalls
final class LibFuse {
  private LibFuse() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIB = SymbolLookup.libraryLookup("libfuse3.so.3", Arena.global());

  /** {@code struct fuse_lowlevel_ops}: 44 function pointers in this order (fuse_lowlevel.h, 3.14). */
  static final int OPS_COUNT = 44;
  static final int OP_LOOKUP = 2;
  static final int OP_FORGET = 3;
  static final int OP_GETATTR = 4;
  static final int OP_READLINK = 6;
  static final int OP_OPEN = 14;
  static final int OP_READ = 15;
  static final int OP_RELEASE = 18;
  static final int OP_OPENDIR = 20;
  static final int OP_READDIR = 21;
  static final int OP_RELEASEDIR = 22;
  static final int OP_STATFS = 24;
  static final int OP_GETXATTR = 26;
  static final int OP_LISTXATTR = 27;
  // the writable mount's operations (WritableOps), same header
  static final int OP_SETATTR = 5;
  static final int OP_MKNOD = 7;
  static final int OP_MKDIR = 8;
  static final int OP_UNLINK = 9;
  static final int OP_RMDIR = 10;
  static final int OP_SYMLINK = 11;
  static final int OP_RENAME = 12;
  static final int OP_LINK = 13;
  static final int OP_WRITE = 16;
  static final int OP_FLUSH = 17;
  static final int OP_FSYNC = 19;
  static final int OP_SETXATTR = 25;
  static final int OP_REMOVEXATTR = 28;
  static final int OP_CREATE = 30;

  /** {@code struct stat} (x86_64 glibc): 144 bytes. */
  static final long STAT_SIZE = 144;
  /** {@code struct fuse_entry_param}: ino, generation, stat, attr_timeout, entry_timeout. */
  static final long ENTRY_SIZE = 16 + STAT_SIZE + 16;
  /**
   * {@code struct fuse_file_info}: int flags, a word of bit fields, a word of padding, then the
   * 8-aligned fh at 16 (40 bytes).
   */
  static final long FILE_INFO_SIZE = 40;
  static final long FI_FLAGS = 0;
  static final long FI_BITS = 4;
  static final long FI_FH = 16;
  /** Bits of {@code fuse_file_info}'s bit-field word: keep_cache is the third, cache_readdir the seventh. */
  static final int FI_KEEP_CACHE = 1 << 2;
  static final int FI_CACHE_READDIR = 1 << 6;
  /** {@code struct statvfs} (glibc LP64): 112 bytes. */
  static final long STATVFS_SIZE = 112;

  // Only the session's three calls are needed before the mount answers; every other function is
  // linked on its first call (Downcall), so a start spins the FFM linker's classes for them alone.
  // Descriptors are shared per C signature: the linker reuses one stub per descriptor.
  private static final FunctionDescriptor INT_ADDR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
  private static final FunctionDescriptor INT_ADDR_ADDR = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
  private static final FunctionDescriptor INT_ADDR_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
  private static final FunctionDescriptor INT_ADDR_LONG = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG);
  private static final FunctionDescriptor VOID_ADDR = FunctionDescriptor.ofVoid(ADDRESS);

  static final Downcall SESSION_NEW = fuse("fuse_session_new", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  static final Downcall SESSION_MOUNT = fuse("fuse_session_mount", INT_ADDR_ADDR);
  /** The 3.2 form taking {@code clone_fd}: the default loop configuration (10 idle threads). */
  static final Downcall SESSION_LOOP_MT = fuse("fuse_session_loop_mt_31", INT_ADDR_INT);
  static final Downcall SESSION_UNMOUNT = fuse("fuse_session_unmount", VOID_ADDR);
  static final Downcall SESSION_DESTROY = fuse("fuse_session_destroy", VOID_ADDR);
  static final Downcall REPLY_ERR = fuse("fuse_reply_err", INT_ADDR_INT);
  static final Downcall REPLY_NONE = fuse("fuse_reply_none", VOID_ADDR);
  static final Downcall REPLY_ENTRY = fuse("fuse_reply_entry", INT_ADDR_ADDR);
  static final Downcall REPLY_ATTR = fuse("fuse_reply_attr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE));
  static final Downcall REPLY_READLINK = fuse("fuse_reply_readlink", INT_ADDR_ADDR);
  static final Downcall REPLY_OPEN = fuse("fuse_reply_open", INT_ADDR_ADDR);
  static final Downcall REPLY_BUF = fuse("fuse_reply_buf", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
  static final Downcall REPLY_STATFS = fuse("fuse_reply_statfs", INT_ADDR_ADDR);
  static final Downcall REPLY_XATTR = fuse("fuse_reply_xattr", INT_ADDR_LONG);
  static final Downcall REPLY_CREATE = fuse("fuse_reply_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
  static final Downcall REPLY_WRITE = fuse("fuse_reply_write", INT_ADDR_LONG);
  /** {@code const struct fuse_ctx *fuse_req_ctx(req)}: uid, gid, pid, umask (4 bytes each). */
  static final Downcall REQ_CTX = fuse("fuse_req_ctx", FunctionDescriptor.of(ADDRESS, ADDRESS));
  static final Downcall ADD_DIRENTRY =
      fuse("fuse_add_direntry", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
  static final Downcall STATVFS = new Downcall(LINKER.defaultLookup().findOrThrow("statvfs"), INT_ADDR_ADDR);

  private static Downcall fuse(String name, FunctionDescriptor descriptor) {
    return new Downcall(LIB.findOrThrow(name), descriptor);
  }

  /**
   * A C function looked up at once and linked on its first call, as the {@code linux} module's
   * {@code Libc.Function}: linking spins method-handle and stub classes the AOT cache cannot keep
   * (docs/benchmarks.md, "Mount ready, profiled again"), so a mount server links only what it
   * calls, and the replies after the mount answers. Two threads racing on the first call may
   * both link; either handle is the same.
   */
  static final class Downcall {
    private final MemorySegment symbol;
    private final FunctionDescriptor descriptor;
    private volatile @org.jspecify.annotations.Nullable MethodHandle handle;

    private Downcall(MemorySegment symbol, FunctionDescriptor descriptor) {
      this.symbol = symbol;
      this.descriptor = descriptor;
    }

    /** The downcall handle, linked on the first call. */
    MethodHandle handle() {
      MethodHandle h = handle;
      if (h == null) {
        h = LINKER.downcallHandle(symbol, descriptor);
        handle = h;
      }
      return h;
    }
  }

  /** One entry of a readdir reply: its name (the bytes, no NUL), inode number and {@code st_mode}. */
  record Dirent(byte[] name, long ino, int mode) {}

  /**
   * Replies to a readdir with the entries from {@code offset} on that fit in {@code size} bytes,
   * of the {@code count} that {@code entry} gives by index; an entry's offset is its index + 1.
   * Returns libfuse's result.
   */
  static int replyDirents(MemorySegment req, long size, long offset, int count, IntFunction<Dirent> entry, Arena arena)
      throws Throwable {
    MemorySegment buf = arena.allocate(Math.max(size, 1));
    MemorySegment st = arena.allocate(STAT_SIZE);
    long used = 0;
    for (int i = (int) Math.min(offset, count); i < count; i++) {
      Dirent e = entry.apply(i);
      st.fill((byte) 0);
      st.set(JAVA_LONG, 8, e.ino()); // st_ino
      st.set(JAVA_INT, 24, e.mode()); // st_mode
      MemorySegment name = cString(e.name(), arena);
      long need = (long) ADD_DIRENTRY.handle().invokeExact(req, buf.asSlice(used), size - used, name, st, (long) i + 1);
      if (need > size - used) {
        break;
      }
      used += need;
    }
    return (int) REPLY_BUF.handle().invokeExact(req, buf, used);
  }

  /** {@code bytes} and a NUL in {@code arena}: a C string holding exactly those bytes. */
  static MemorySegment cString(byte[] bytes, Arena arena) {
    MemorySegment s = arena.allocate(bytes.length + 1L);
    MemorySegment.copy(bytes, 0, s, JAVA_BYTE, 0, bytes.length);
    return s; // allocate zeroes the memory: the last byte is the NUL
  }

  /** The bytes of the C string at {@code s}, without its NUL. */
  static byte[] bytes(MemorySegment s) {
    MemorySegment all = s.reinterpret(Long.MAX_VALUE);
    long n = 0;
    while (all.get(JAVA_BYTE, n) != 0) {
      n++;
    }
    return all.asSlice(0, n).toArray(JAVA_BYTE);
  }

  /** statvfs(3) of {@code path} into a new {@code struct statvfs} in {@code arena}; {@code null} when it fails. */
  static @org.jspecify.annotations.Nullable MemorySegment statvfs(String path, Arena arena) throws Throwable {
    MemorySegment st = arena.allocate(STATVFS_SIZE);
    int rc = (int) STATVFS.handle().invokeExact(arena.allocateFrom(path), st);
    return rc == 0 ? st : null;
  }

  /** An upcall stub for {@code target}, alive as long as {@code arena}. */
  static MemorySegment upcall(MethodHandle target, FunctionDescriptor descriptor, Arena arena) {
    return LINKER.upcallStub(target, descriptor, arena);
  }
}
