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
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Reading and copying file data by descriptor: read(2), lseek(2) with SEEK_DATA / SEEK_HOLE,
 * copy_file_range(2) and the FICLONE ioctl (reflink). The copy calls report "not here" as a
 * result rather than an exception, so a copier can fall back to the next method.
 */
public final class FileIo {
  private FileIo() {}

  /** lseek whence values, linux/fs.h. */
  public static final int SEEK_SET = 0;
  public static final int SEEK_END = 2;
  public static final int SEEK_DATA = 3;
  public static final int SEEK_HOLE = 4;

  /** FICLONE = _IOW(0x94, 9, int), linux/fs.h. */
  private static final long FICLONE = 0x40049409L;
  private static final int ENXIO = 6;
  private static final int EBADF = 9;
  private static final int ENOTTY = 25;
  private static final int ETXTBSY = 26;
  private static final int ENOSYS = 38;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
  private static final MethodHandle LSEEK = bind("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), -1);
  private static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), 2);
  private static final MethodHandle COPY_FILE_RANGE = bind("copy_file_range",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);

  private static MethodHandle bind(String name, FunctionDescriptor fd, int firstVariadic) {
    Linker.Option errno = Linker.Option.captureCallState("errno");
    return firstVariadic < 0
        ? LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, errno)
        : LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, errno,
            Linker.Option.firstVariadicArg(firstVariadic));
  }

  /** read(2) of up to {@code len} bytes into {@code buf}; 0 at end of file. */
  public static long read(Fd fd, MemorySegment buf, long len, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      while (true) {
        long n = (long) READ.invokeExact(state, fd.fd(), buf, len);
        if (n >= 0) {
          return n;
        }
        int errno = (int) ERRNO.get(state, 0L);
        if (errno != 4) { // EINTR: retry
          throw Errno.exception(errno, "read", subject);
        }
      }
    } catch (Throwable t) {
      throw Posix.rethrow(t);
    }
  }

  /** lseek(2); for SEEK_DATA / SEEK_HOLE past the last data, ENXIO gives -1. */
  public static long lseek(Fd fd, long offset, int whence, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      long n = (long) LSEEK.invokeExact(state, fd.fd(), offset, whence);
      if (n >= 0) {
        return n;
      }
      int errno = (int) ERRNO.get(state, 0L);
      if (errno == ENXIO) {
        return -1;
      }
      throw Errno.exception(errno, "lseek", subject);
    } catch (Throwable t) {
      throw Posix.rethrow(t);
    }
  }

  /**
   * FICLONE: makes {@code dst} share all of {@code src}'s extents (a reflink, btrfs / XFS /
   * bcachefs). False when the filesystem cannot (EOPNOTSUPP, EXDEV, EINVAL, ENOTTY, ...).
   */
  public static boolean ficlone(Fd dst, Fd src, String subject) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc = (int) IOCTL.invokeExact(state, dst.fd(), FICLONE, src.fd());
      if (rc == 0) {
        return true;
      }
      int errno = (int) ERRNO.get(state, 0L);
      if (errno == Errno.EOPNOTSUPP || errno == Errno.EXDEV || errno == Errno.EINVAL || errno == ENOTTY
          || errno == EBADF || errno == Errno.EPERM || errno == ETXTBSY) {
        return false;
      }
      throw Errno.exception(errno, "ioctl FICLONE", subject);
    } catch (Throwable t) {
      throw Posix.rethrow(t);
    }
  }

  /**
   * copy_file_range(2) of up to {@code len} bytes from {@code in} at {@code inOffset} to {@code
   * out} at {@code outOffset} (file positions untouched). Returns bytes copied (0 at end of
   * input), or -1 when the kernel cannot do it here (EXDEV, EOPNOTSUPP, EINVAL, ENOSYS): copy by
   * hand then.
   */
  public static long copyFileRange(Fd in, long inOffset, Fd out, long outOffset, long len, String subject)
      throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment offIn = arena.allocateFrom(JAVA_LONG, inOffset);
      MemorySegment offOut = arena.allocateFrom(JAVA_LONG, outOffset);
      long n = (long) COPY_FILE_RANGE.invokeExact(state, in.fd(), offIn, out.fd(), offOut, len, 0);
      if (n >= 0) {
        return n;
      }
      int errno = (int) ERRNO.get(state, 0L);
      if (errno == Errno.EXDEV || errno == Errno.EOPNOTSUPP || errno == Errno.EINVAL || errno == ENOSYS
          || errno == EBADF) {
        return -1;
      }
      throw Errno.exception(errno, "copy_file_range", subject);
    } catch (Throwable t) {
      throw Posix.rethrow(t);
    }
  }
}
