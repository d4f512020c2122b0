package dev.strata.linux;

import static dev.strata.linux.Libc.cstr;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The file calls the JDK lacks. Every name is relative to a directory descriptor ({@code *at}
 * calls; {@link Fd#CWD} for the current directory) and a byte string (see {@link Names}).
 * Failures are {@link LinuxException}s naming the call and {@code subject}.
 */
public final class Posix {
  private Posix() {}

  // x86_64 and aarch64 agree on these (asm-generic/fcntl.h) except the two marked below.
  private static final boolean AARCH64 = System.getProperty("os.arch").equals("aarch64");
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
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
  public static final int AT_RECURSIVE = 0x8000;

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

  private static final Libc.Function GETEUID = Libc.bind("geteuid", FunctionDescriptor.of(JAVA_INT));

  /** The effective user id of this process. */
  public static int geteuid() {
    return (int) Libc.attempt((a, s) -> (int) GETEUID.handle().invokeExact(s));
  }

  /** Opens the directory tree's root by its (trusted) host path; O_PATH is not enough for fdopendir. */
  public static Fd openTree(String hostPath) throws IOException {
    return openat(Fd.CWD, hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, hostPath);
  }

  /**
   * openat2(2): opens {@code path} below {@code dir} with the kernel confining resolution as
   * {@code resolve} (the {@code RESOLVE_*} flags) says.
   */
  public static Fd openat2(Fd dir, String path, int flags, long resolve, String subject) throws IOException {
    long fd = openat2OrErrno(dir, path, flags, resolve);
    if (fd < 0) {
      throw new LinuxException((int) -fd, "openat2", subject);
    }
    return new Fd((int) fd);
  }

  private static final Libc.Function SYSCALL4 =
      Libc.bind("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), 1);

  /** openat2(2) as {@link #openat2}, giving the descriptor number or minus errno. */
  static long openat2OrErrno(Fd dir, String path, int flags, long resolve) {
    return Libc.attempt(
        (a, s) -> {
          MemorySegment how = a.allocate(24, 8); // struct open_how { u64 flags, mode, resolve }
          how.set(JAVA_LONG, 0, flags & 0xffffffffL);
          how.set(JAVA_LONG, 16, resolve);
          return (long) SYSCALL4.handle().invokeExact(s, SYS_OPENAT2, dir.fd(), cstr(a, path), how, 24L);
        });
  }

  private static final Libc.Function OPENAT =
      Libc.bind("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 3);

  /** openat(2) relative to {@code dir}. */
  public static Fd openat(Fd dir, String name, int flags, int mode, String subject) throws IOException {
    return new Fd((int) Libc.call("open", subject, (a, s) -> (int) OPENAT.handle().invokeExact(s, dir.fd(), cstr(a, name), flags, mode)));
  }

  private static final Libc.Function CLOSE = Libc.bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  static void close(int fd) {
    Libc.attempt((a, s) -> (int) CLOSE.handle().invokeExact(s, fd));
  }

  private static final Libc.Function MKDIRAT = Libc.bind("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

  /** mkdirat(2). */
  public static void mkdirat(Fd dir, String name, int mode, String subject) throws IOException {
    Libc.call("mkdir", subject, (a, s) -> (int) MKDIRAT.handle().invokeExact(s, dir.fd(), cstr(a, name), mode));
  }

  private static final Libc.Function UNLINKAT = Libc.bind("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

  /** unlinkat(2); {@code flags} is 0 or {@link #AT_REMOVEDIR}. */
  public static void unlinkat(Fd dir, String name, int flags, String subject) throws IOException {
    Libc.call("unlink", subject, (a, s) -> (int) UNLINKAT.handle().invokeExact(s, dir.fd(), cstr(a, name), flags));
  }

  private static final Libc.Function SYMLINKAT = Libc.bind("symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));

  /** symlinkat(2): {@code name} below {@code dir} becomes a symlink to {@code target}. */
  public static void symlinkat(String target, Fd dir, String name, String subject) throws IOException {
    Libc.call("symlink", subject, (a, s) -> (int) SYMLINKAT.handle().invokeExact(s, cstr(a, target), dir.fd(), cstr(a, name)));
  }

  private static final Libc.Function LINKAT =
      Libc.bind("linkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));

  /** linkat(2) without AT_SYMLINK_FOLLOW: a symlink source is linked itself, never followed. */
  public static void linkat(Fd oldDir, String oldName, Fd newDir, String newName, String subject)
      throws IOException {
    Libc.call(
        "link",
        subject,
        (a, s) -> (int) LINKAT.handle().invokeExact(s, oldDir.fd(), cstr(a, oldName), newDir.fd(), cstr(a, newName), 0));
  }

  private static final Libc.Function MKNODAT =
      Libc.bind("mknodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));

  /** mknodat(2) of a device (or fifo) {@code major}:{@code minor}. */
  public static void mknodat(Fd dir, String name, int mode, long major, long minor, String subject)
      throws IOException {
    // glibc's makedev (sys/sysmacros.h): 12 bits of major low, minor split around it.
    long dev =
        ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    Libc.call("mknod", subject, (a, s) -> (int) MKNODAT.handle().invokeExact(s, dir.fd(), cstr(a, name), mode, dev));
  }

  private static final Libc.Function FCHOWNAT =
      Libc.bind("fchownat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));

  /** fchownat(2) with AT_SYMLINK_NOFOLLOW; an empty {@code name} means {@code dir} itself. */
  public static void lchownat(Fd dir, String name, int uid, int gid, String subject) throws IOException {
    int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
    Libc.call("chown", subject, (a, s) -> (int) FCHOWNAT.handle().invokeExact(s, dir.fd(), cstr(a, name), uid, gid, flags));
  }

  private static final Libc.Function FCHMODAT =
      Libc.bind("fchmodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

  /**
   * fchmodat(2) with AT_SYMLINK_NOFOLLOW: glibc refuses (EOPNOTSUPP) rather than follow when the
   * name is a symlink, so a swapped-in symlink can never redirect the chmod.
   */
  public static void lchmodat(Fd dir, String name, int mode, String subject) throws IOException {
    Libc.call(
        "chmod", subject, (a, s) -> (int) FCHMODAT.handle().invokeExact(s, dir.fd(), cstr(a, name), mode, AT_SYMLINK_NOFOLLOW));
  }

  private static final Libc.Function FCHMOD = Libc.bind("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

  /** fchmod(2). */
  public static void fchmod(Fd fd, int mode, String subject) throws IOException {
    Libc.call("chmod", subject, (a, s) -> (int) FCHMOD.handle().invokeExact(s, fd.fd(), mode));
  }

  private static final Libc.Function FCHOWN = Libc.bind("fchown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

  /** fchown(2). */
  public static void fchown(Fd fd, int uid, int gid, String subject) throws IOException {
    Libc.call("chown", subject, (a, s) -> (int) FCHOWN.handle().invokeExact(s, fd.fd(), uid, gid));
  }

  private static final Libc.Function UTIMENSAT =
      Libc.bind("utimensat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

  /**
   * utimensat(2) on {@code name} below {@code dir} without following a final symlink; an empty
   * {@code name} means {@code dir} itself (AT_EMPTY_PATH). atime is left alone when absent.
   */
  public static void lutimesat(Fd dir, String name, FileTimes times, String subject) throws IOException {
    int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
    Libc.call(
        "utimensat",
        subject,
        (a, s) -> {
          MemorySegment ts = a.allocate(32, 8); // struct timespec[2]: atime, mtime
          if (times.atime() != null) {
            ts.set(JAVA_LONG, 0, times.atime().getEpochSecond());
            ts.set(JAVA_LONG, 8, times.atime().getNano());
          } else {
            ts.set(JAVA_LONG, 8, UTIME_OMIT);
          }
          ts.set(JAVA_LONG, 16, times.mtime().getEpochSecond());
          ts.set(JAVA_LONG, 24, times.mtime().getNano());
          return (int) UTIMENSAT.handle().invokeExact(s, dir.fd(), cstr(a, name), ts, flags);
        });
  }

  private static final Libc.Function STATX =
      Libc.bind("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

  /** statx(2) of {@code name} below {@code dir}, never following a final symlink; empty name: dir. */
  public static Statx lstatat(Fd dir, String name, String subject) throws IOException {
    int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
    try (Arena arena = ScratchArena.open()) {
      MemorySegment buf = arena.allocate(Statx.SIZE, 8);
      Libc.call(
          arena,
          "statx",
          subject,
          (a, s) -> (int) STATX.handle().invokeExact(s, dir.fd(), cstr(a, name), flags, Statx.BASIC_STATS, buf));
      return Statx.of(buf);
    }
  }

  /** statx(2) of {@code path}, not following a final symlink. */
  public static Statx lstat(Path path) throws IOException {
    return lstatat(Fd.CWD, Names.of(path), Names.of(path));
  }

  private static final Libc.Function READLINKAT =
      Libc.bind("readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));

  /** readlinkat(2): the target of the symlink {@code name} below {@code dir}, a byte string. */
  public static String readlinkat(Fd dir, String name, String subject) throws IOException {
    try (Arena arena = ScratchArena.open()) {
      MemorySegment buf = arena.allocate(4096);
      long n =
          Libc.call(arena, "readlink", subject, (a, s) -> (long) READLINKAT.handle().invokeExact(s, dir.fd(), cstr(a, name), buf, 4096L));
      return Names.of(buf.asSlice(0, n).toArray(JAVA_BYTE));
    }
  }

  private static final Libc.Function WRITE = Libc.bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

  private static final Libc.Function PWRITE =
      Libc.bind("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));

  /** Writes all {@code len} bytes of {@code buf} at the file position, or at {@code offset} when >= 0. */
  public static void writeFully(Fd fd, MemorySegment buf, long len, long offset, String subject) throws IOException {
    long done = 0;
    while (done < len) {
      MemorySegment at = buf.asSlice(done, len - done);
      long left = len - done;
      long position = offset + done;
      done +=
          Libc.call(
              "write",
              subject,
              (a, s) ->
                  offset < 0
                      ? (long) WRITE.handle().invokeExact(s, fd.fd(), at, left)
                      : (long) PWRITE.handle().invokeExact(s, fd.fd(), at, left, position));
    }
  }

  private static final Libc.Function FTRUNCATE = Libc.bind("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));

  /** ftruncate(2). */
  public static void ftruncate(Fd fd, long size, String subject) throws IOException {
    Libc.call("truncate", subject, (a, s) -> (int) FTRUNCATE.handle().invokeExact(s, fd.fd(), size));
  }

  private static final Libc.Function RENAMEAT2 =
      Libc.bind("renameat2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));

  /** renameat2(2) flag: fail with EEXIST rather than replace {@code newName}. */
  public static final int RENAME_NOREPLACE = 1;

  /** renameat2(2): {@code flags} 0 (replace what is there, as rename(2)) or {@link #RENAME_NOREPLACE}. */
  public static void renameat(Fd oldDir, String oldName, Fd newDir, String newName, int flags, String subject)
      throws IOException {
    Libc.call(
        "rename",
        subject,
        (a, s) -> (int) RENAMEAT2.handle().invokeExact(s, oldDir.fd(), cstr(a, oldName), newDir.fd(), cstr(a, newName), flags));
  }
}
