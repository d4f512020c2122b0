package dev.strata.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * errno values strata reacts to (asm-generic/errno-base.h, errno.h), and every errno in words as
 * strerror(3) says them ({@code "no space left on device"}): a message names the path and what
 * went wrong, never a bare {@code errno 28}.
 *
 * <p>glibc's {@code strerrordesc_np} (2.32 and later) gives the text; it is thread-safe and
 * ignores the locale, unlike strerror. Without it, a small table covers what strata meets.
 */
public final class Errno {
  private Errno() {}

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int ENOTTY = 25;
  public static final int ETXTBSY = 26;
  public static final int ENOSPC = 28;
  public static final int EMLINK = 31;
  public static final int ERANGE = 34;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int EOPNOTSUPP = 95;

  @SuppressWarnings("restricted") // bound outside Libc.bind: strerrordesc_np sets no errno to capture
  private static final @Nullable MethodHandle STRERRORDESC_NP =
      Linker.nativeLinker()
          .defaultLookup()
          .find("strerrordesc_np")
          .map(s -> Linker.nativeLinker().downcallHandle(s, FunctionDescriptor.of(ADDRESS, JAVA_INT)))
          .orElse(null);

  /**
   * What {@code errno} means, lowercase: {@code "no such file or directory"}. EXDEV reads
   * "crosses a device or leaves the root", which is what it means for openat2's confined lookups.
   */
  public static String describe(int errno) {
    if (errno == EXDEV) {
      return "crosses a device or leaves the root";
    }
    String text = fromLibc(errno);
    if (text == null) {
      text = fromTable(errno);
    }
    return text.isEmpty() ? "error " + errno : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }

  @SuppressWarnings("restricted") // strerrordesc_np returns a NUL-terminated static string of libc's
  private static @Nullable String fromLibc(int errno) {
    if (STRERRORDESC_NP == null) {
      return null;
    }
    try {
      MemorySegment text = (MemorySegment) STRERRORDESC_NP.invokeExact(errno);
      return text.equals(MemorySegment.NULL) ? null : text.reinterpret(Long.MAX_VALUE).getString(0);
    } catch (Throwable t) {
      return null;
    }
  }

  private static String fromTable(int errno) {
    return switch (errno) {
      case EPERM -> "operation not permitted";
      case ENOENT -> "no such file or directory";
      case EIO -> "input/output error";
      case EACCES -> "permission denied";
      case EBUSY -> "device or resource busy";
      case EEXIST -> "file exists";
      case ENOTDIR -> "not a directory";
      case EISDIR -> "is a directory";
      case EINVAL -> "invalid argument";
      case ENOSPC -> "no space left on device";
      case 30 -> "read-only file system";
      case EMLINK -> "too many links";
      case ENAMETOOLONG -> "file name too long";
      case ENOSYS -> "function not implemented";
      case ENOTEMPTY -> "directory not empty";
      case ELOOP -> "too many levels of symbolic links";
      case EOPNOTSUPP -> "operation not supported";
      case 122 -> "disk quota exceeded";
      default -> "";
    };
  }
}
