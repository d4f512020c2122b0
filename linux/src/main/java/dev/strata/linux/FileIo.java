package dev.strata.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * Reading and copying file data by descriptor: read(2), pread(2), lseek(2) with SEEK_DATA / SEEK_HOLE,
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
  /** The errnos with which FICLONE says "this filesystem, or these two files, cannot share extents". */
  private static final Set<Integer> NO_REFLINK =
      Set.of(Errno.EOPNOTSUPP, Errno.EXDEV, Errno.EINVAL, Errno.ENOTTY, Errno.EBADF, Errno.EPERM, Errno.ETXTBSY);
  /** The errnos with which copy_file_range says "copy by hand here". */
  private static final Set<Integer> NO_COPY_RANGE = Set.of(Errno.EXDEV, Errno.EOPNOTSUPP, Errno.EINVAL, Errno.ENOSYS, Errno.EBADF);

  private static final Libc.Function READ = Libc.bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final Libc.Function PREAD = Libc.bind("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));

  /** pread as a critical call that may read into heap segments; no errno (see {@link #pread}). Linked on first use. */
  private static final class PreadFast {
    static final java.lang.invoke.MethodHandle HANDLE =
        java.util.Objects.requireNonNull(Libc.bindCritical("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG)));
  }
  private static final Libc.Function LSEEK = Libc.bind("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
  private static final Libc.Function IOCTL = Libc.bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), 2);
  private static final Libc.Function COPY_FILE_RANGE =
      Libc.bind("copy_file_range", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

  /** read(2) of up to {@code len} bytes into {@code buf}; 0 at end of file. EINTR is retried. */
  public static long read(Fd fd, MemorySegment buf, long len, String subject) throws IOException {
    while (true) {
      long n = Libc.attempt((a, s) -> (long) READ.handle().invokeExact(s, fd.fd(), buf, len));
      if (n >= 0) {
        return n;
      }
      if (n != -Errno.EINTR) {
        throw new LinuxException((int) -n, "read", subject);
      }
    }
  }

  /**
   * pread(2) of up to {@code len} bytes at {@code offset} into {@code buf}, which may be a heap
   * segment (an array's bytes, read in place); 0 at end of file. The file position is untouched.
   * EINTR is retried.
   *
   * <p>The common call goes through a critical handle without errno capture: no arena, no copy
   * through native memory, which per-file readers (the union view) pay for on every read. Only a
   * failed call is repeated through the capturing handle to learn its errno.
   */
  public static long pread(Fd fd, MemorySegment buf, long len, long offset, String subject) throws IOException {
    try {
      long n = (long) PreadFast.HANDLE.invokeExact(fd.fd(), buf, len, offset);
      if (n >= 0) {
        return n;
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    while (true) {
      MemorySegment native_ = buf.isNative() ? buf : null;
      long n;
      if (native_ != null) {
        n = Libc.attempt((a, s) -> (long) PREAD.handle().invokeExact(s, fd.fd(), native_, len, offset));
      } else {
        n = Libc.attempt((a, s) -> {
          MemorySegment tmp = a.allocate(len);
          long r = (long) PREAD.handle().invokeExact(s, fd.fd(), tmp, len, offset);
          if (r > 0) {
            MemorySegment.copy(tmp, 0, buf, 0, r);
          }
          return r;
        });
      }
      if (n >= 0) {
        return n;
      }
      if (n != -Errno.EINTR) {
        throw new LinuxException((int) -n, "pread", subject);
      }
    }
  }

  /** lseek(2); for SEEK_DATA / SEEK_HOLE past the last data, ENXIO gives -1. */
  public static long lseek(Fd fd, long offset, int whence, String subject) throws IOException {
    long n = Libc.attempt((a, s) -> (long) LSEEK.handle().invokeExact(s, fd.fd(), offset, whence));
    if (n >= 0) {
      return n;
    }
    if (n == -Errno.ENXIO) {
      return -1;
    }
    throw new LinuxException((int) -n, "lseek", subject);
  }

  /**
   * FICLONE: makes {@code dst} share all of {@code src}'s extents (a reflink, btrfs / XFS /
   * bcachefs). False when the filesystem cannot (EOPNOTSUPP, EXDEV, EINVAL, ENOTTY, ...).
   */
  public static boolean ficlone(Fd dst, Fd src, String subject) throws IOException {
    long rc = Libc.attempt((a, s) -> (int) IOCTL.handle().invokeExact(s, dst.fd(), FICLONE, src.fd()));
    if (rc >= 0) {
      return true;
    }
    if (NO_REFLINK.contains((int) -rc)) {
      return false;
    }
    throw new LinuxException((int) -rc, "ioctl FICLONE", subject);
  }

  /**
   * copy_file_range(2) of up to {@code len} bytes from {@code in} at {@code inOffset} to {@code
   * out} at {@code outOffset} (file positions untouched). Returns bytes copied (0 at end of
   * input), or -1 when the kernel cannot do it here (EXDEV, EOPNOTSUPP, EINVAL, ENOSYS): copy by
   * hand then.
   */
  public static long copyFileRange(Fd in, long inOffset, Fd out, long outOffset, long len, String subject)
      throws IOException {
    long n =
        Libc.attempt(
            (a, s) ->
                (long)
                    COPY_FILE_RANGE
                        .handle()
                        .invokeExact(s, in.fd(), a.allocateFrom(JAVA_LONG, inOffset), out.fd(), a.allocateFrom(JAVA_LONG, outOffset), len, 0));
    if (n >= 0) {
      return n;
    }
    if (NO_COPY_RANGE.contains((int) -n)) {
      return -1;
    }
    throw new LinuxException((int) -n, "copy_file_range", subject);
  }
}
