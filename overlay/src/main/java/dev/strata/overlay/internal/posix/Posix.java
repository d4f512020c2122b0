package dev.strata.overlay.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The Linux calls the JDK lacks, bound with the Foreign Function &amp; Memory API. Every path
 * argument is a name relative to a directory descriptor ({@code *at} calls); nothing here ever
 * resolves an absolute path of the caller's choosing except {@link #openTree}.
 *
 * <p>Names are Java strings whose chars are bytes (ISO-8859-1), so the bytes of a tar name reach
 * the kernel unchanged whatever their encoding. Failures throw {@link IOException} subclasses
 * naming {@code subject} (see {@link Errno#exception}).
 */
public final class Posix {
  private Posix() {}

  // x86_64 and aarch64 agree on these (asm-generic/fcntl.h) except the four marked below.
  private static final boolean AARCH64 = System.getProperty("os.arch").equals("aarch64");
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_NOCTTY = 0400;
  public static final int O_NONBLOCK = 04000;
  public static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
  public static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;

  /** openat2 resolve flags, linux/openat2.h. */
  public static final long RESOLVE_NO_MAGICLINKS = 0x02;
  public static final long RESOLVE_NO_SYMLINKS = 0x04;
  public static final long RESOLVE_BENEATH = 0x08;
  public static final long RESOLVE_IN_ROOT = 0x10;

  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int AT_REMOVEDIR = 0x200;
  public static final int AT_EMPTY_PATH = 0x1000;

  public static final int S_IFMT = 0170000;
  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFLNK = 0120000;

  /** The openat2 syscall number: 437 on every architecture (unified numbering since Linux 5.1). */
  private static final long SYS_OPENAT2 = 437;
  /** utimensat's "leave this time alone", linux/stat.h. */
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final int STATX_BASIC_STATS = 0x7ff;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle SYSCALL4 =
      bind("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), 1);
  private static final MethodHandle OPENAT =
      bind("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 3);
  private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle MKDIRAT =
      bind("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle UNLINKAT =
      bind("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle SYMLINKAT =
      bind("symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), -1);
  private static final MethodHandle LINKAT =
      bind("linkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle MKNODAT =
      bind("mknodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG), -1);
  private static final MethodHandle FCHOWNAT =
      bind("fchownat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle FCHMODAT =
      bind("fchmodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle FCHMOD =
      bind("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle FCHOWN =
      bind("fchown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle UTIMENSAT =
      bind("utimensat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle FSETXATTR =
      bind("fsetxattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT), -1);
  private static final MethodHandle LSETXATTR =
      bind("lsetxattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT), -1);
  private static final MethodHandle STATX =
      bind("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), -1);
  private static final MethodHandle READLINKAT =
      bind("readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), -1);
  private static final MethodHandle WRITE =
      bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
  private static final MethodHandle PWRITE =
      bind("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), -1);
  private static final MethodHandle FTRUNCATE =
      bind("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), -1);
  private static final MethodHandle GETEUID = bind("geteuid", FunctionDescriptor.of(JAVA_INT), -1);

  private static MethodHandle bind(String name, FunctionDescriptor fd, int firstVariadic) {
    Linker.Option errno = Linker.Option.captureCallState("errno");
    return firstVariadic < 0
        ? LINKER.downcallHandle(LIBC.findOrThrow(name), fd, errno)
        : LINKER.downcallHandle(LIBC.findOrThrow(name), fd, errno, Linker.Option.firstVariadicArg(firstVariadic));
  }

  /** The effective user id of this process. */
  public static int geteuid() {
    try (Arena arena = Arena.ofConfined()) {
      return (int) GETEUID.invokeExact(arena.allocate(CALL_STATE));
    } catch (Throwable t) {
      throw new IllegalStateException("geteuid", t);
    }
  }

  /** Opens the directory tree's root by its (trusted) host path; O_PATH is not enough for fdopendir. */
  public static Fd openTree(String hostPath) throws IOException {
    return openat(AT_FDCWD, hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, hostPath);
  }

  /**
   * openat2(2): opens {@code path} below {@code dirfd} with the kernel confining resolution as
   * {@code resolve} says.
   */
  public static Fd openat2(Fd dir, String path, int flags, long resolve, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment how = arena.allocate(24, 8); // struct open_how { u64 flags, mode, resolve }
      how.set(JAVA_LONG, 0, flags & 0xffffffffL);
      how.set(JAVA_LONG, 16, resolve);
      long fd = (long) SYSCALL4.invokeExact(state, SYS_OPENAT2, dir.fd(), cstr(arena, path), how, 24L);
      return new Fd((int) check(fd, state, "openat2", subject));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** openat(2) relative to {@code dir} (AT_FDCWD when {@code dirfd} is {@link #AT_FDCWD}). */
  public static Fd openat(Fd dir, String name, int flags, int mode, String subject) throws IOException {
    return openat(dir.fd(), name, flags, mode, subject);
  }

  private static Fd openat(int dirfd, String name, int flags, int mode, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd = (int) OPENAT.invokeExact(state, dirfd, cstr(arena, name), flags, mode);
      return new Fd((int) check(fd, state, "open", subject));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void close(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
    } catch (Throwable t) {
      throw new IllegalStateException("close(" + fd + ")", t);
    }
  }

  public static void mkdirat(Fd dir, String name, int mode, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      check((int) MKDIRAT.invokeExact(state, dir.fd(), cstr(arena, name), mode), state, "mkdir", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** unlinkat(2); {@code flags} is 0 or {@link #AT_REMOVEDIR}. */
  public static void unlinkat(Fd dir, String name, int flags, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      check((int) UNLINKAT.invokeExact(state, dir.fd(), cstr(arena, name), flags), state, "unlink", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static void symlinkat(String target, Fd dir, String name, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc = (int) SYMLINKAT.invokeExact(state, cstr(arena, target), dir.fd(), cstr(arena, name));
      check(rc, state, "symlink", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** linkat(2) without AT_SYMLINK_FOLLOW: a symlink source is linked itself, never followed. */
  public static void linkat(Fd oldDir, String oldName, Fd newDir, String newName, String subject)
      throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc =
          (int) LINKAT.invokeExact(state, oldDir.fd(), cstr(arena, oldName), newDir.fd(), cstr(arena, newName), 0);
      check(rc, state, "link", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static void mknodat(Fd dir, String name, int mode, long major, long minor, String subject)
      throws IOException {
    // glibc's makedev (sys/sysmacros.h): 12 bits of major low, minor split around it.
    long dev =
        ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      check((int) MKNODAT.invokeExact(state, dir.fd(), cstr(arena, name), mode, dev), state, "mknod", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** fchownat(2) with AT_SYMLINK_NOFOLLOW; an empty {@code name} means {@code dir} itself. */
  public static void lchownat(Fd dir, String name, int uid, int gid, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
      int rc = (int) FCHOWNAT.invokeExact(state, dir.fd(), cstr(arena, name), uid, gid, flags);
      check(rc, state, "chown", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * fchmodat(2) with AT_SYMLINK_NOFOLLOW: glibc refuses (EOPNOTSUPP) rather than follow when the
   * name is a symlink, so a swapped-in symlink can never redirect the chmod.
   */
  public static void lchmodat(Fd dir, String name, int mode, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc = (int) FCHMODAT.invokeExact(state, dir.fd(), cstr(arena, name), mode, AT_SYMLINK_NOFOLLOW);
      check(rc, state, "chmod", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static void fchmod(Fd fd, int mode, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      check((int) FCHMOD.invokeExact(state, fd.fd(), mode), state, "chmod", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static void fchown(Fd fd, int uid, int gid, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      check((int) FCHOWN.invokeExact(state, fd.fd(), uid, gid), state, "chown", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * utimensat(2) on {@code name} below {@code dir} without following a final symlink; an empty
   * {@code name} means {@code dir} itself (AT_EMPTY_PATH). atime is left alone when absent.
   */
  public static void lutimesat(Fd dir, String name, FileTimes times, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment ts = arena.allocate(32, 8); // struct timespec[2]: atime, mtime
      if (times.atime() != null) {
        ts.set(JAVA_LONG, 0, times.atime().getEpochSecond());
        ts.set(JAVA_LONG, 8, times.atime().getNano());
      } else {
        ts.set(JAVA_LONG, 8, UTIME_OMIT);
      }
      ts.set(JAVA_LONG, 16, times.mtime().getEpochSecond());
      ts.set(JAVA_LONG, 24, times.mtime().getNano());
      int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
      int rc = (int) UTIMENSAT.invokeExact(state, dir.fd(), cstr(arena, name), ts, flags);
      check(rc, state, "utimensat", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static void fsetxattr(Fd fd, String key, byte[] value, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment v = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, value);
      int rc = (int) FSETXATTR.invokeExact(state, fd.fd(), cstr(arena, key), v, (long) value.length, 0);
      check(rc, state, "setxattr " + key, subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * lsetxattr(2) on {@code name} inside the directory {@code dir}, reached through the {@code
   * /proc/self/fd} link of our own descriptor (the xattr calls have no {@code *at} form before
   * Linux 6.13); the final name is a single component and never followed.
   */
  public static void lsetxattrat(Fd dir, String name, String key, byte[] value, String subject)
      throws IOException {
    // "/." rather than nothing for the directory itself: lsetxattr must not act on the magic link
    String path = "/proc/self/fd/" + dir.fd() + "/" + (name.isEmpty() ? "." : name);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment v = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, value);
      int rc = (int) LSETXATTR.invokeExact(state, cstr(arena, path), cstr(arena, key), v, (long) value.length, 0);
      check(rc, state, "setxattr " + key, subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** statx(2) of {@code name} below {@code dir}, never following a final symlink; empty name: dir. */
  public static Stat lstatat(Fd dir, String name, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment buf = arena.allocate(256, 8);
      int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
      int rc = (int) STATX.invokeExact(state, dir.fd(), cstr(arena, name), flags, STATX_BASIC_STATS, buf);
      check(rc, state, "stat", subject);
      return Stat.of(buf);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** readlinkat(2): the target of the symlink {@code name} below {@code dir}, bytes as chars. */
  public static String readlinkat(Fd dir, String name, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment buf = arena.allocate(4096);
      long n = (long) READLINKAT.invokeExact(state, dir.fd(), cstr(arena, name), buf, 4096L);
      n = check(n, state, "readlink", subject);
      return new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Writes all {@code len} bytes of {@code buf} at the file position, or at {@code offset} when >= 0. */
  public static void writeFully(Fd fd, MemorySegment buf, long len, long offset, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      long done = 0;
      while (done < len) {
        MemorySegment at = buf.asSlice(done, len - done);
        long n =
            offset < 0
                ? (long) WRITE.invokeExact(state, fd.fd(), at, len - done)
                : (long) PWRITE.invokeExact(state, fd.fd(), at, len - done, offset + done);
        done += check(n, state, "write", subject);
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static void ftruncate(Fd fd, long size, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      check((int) FTRUNCATE.invokeExact(state, fd.fd(), size), state, "truncate", subject);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** A NUL-terminated copy of {@code s}, one byte per char; a NUL inside is refused by callers. */
  static MemorySegment cstr(Arena arena, String s) {
    return arena.allocateFrom(s, StandardCharsets.ISO_8859_1);
  }

  private static long check(long rc, MemorySegment state, String call, String subject) throws IOException {
    if (rc < 0) {
      throw Errno.exception((int) ERRNO.get(state, 0L), call, subject);
    }
    return rc;
  }

  static RuntimeException rethrow(Throwable t) throws IOException {
    if (t instanceof IOException e) {
      throw e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }
}
