package dev.strata.core.internal.posix;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * errno values in words, as strerror(3) says them ("no space left on device"), for every libc
 * layer of strata: a message names the path and what went wrong, never a bare {@code errno 28}.
 *
 * <p>glibc's {@code strerrordesc_np} (2.32 and later) gives the text; it is thread-safe and
 * ignores the locale, unlike strerror. Without it, a small table covers what strata meets.
 */
public final class Strerror {
  /** ENOSPC (asm-generic/errno-base.h). */
  public static final int ENOSPC = 28;

  private static final MethodHandle STRERRORDESC_NP =
      Linker.nativeLinker()
          .defaultLookup()
          .find("strerrordesc_np")
          .map(s -> Linker.nativeLinker().downcallHandle(s, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT)))
          .orElse(null);

  private Strerror() {}

  /** What {@code errno} means, lowercase: {@code "no such file or directory"}. */
  public static String describe(int errno) {
    String text = fromLibc(errno);
    if (text == null) {
      text = fromTable(errno);
    }
    return text.isEmpty() ? "error " + errno : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }

  private static String fromLibc(int errno) {
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
      case 1 -> "operation not permitted";
      case 2 -> "no such file or directory";
      case 5 -> "input/output error";
      case 13 -> "permission denied";
      case 16 -> "device or resource busy";
      case 17 -> "file exists";
      case 18 -> "invalid cross-device link";
      case 20 -> "not a directory";
      case 21 -> "is a directory";
      case 22 -> "invalid argument";
      case ENOSPC -> "no space left on device";
      case 30 -> "read-only file system";
      case 31 -> "too many links";
      case 36 -> "file name too long";
      case 38 -> "function not implemented";
      case 39 -> "directory not empty";
      case 40 -> "too many levels of symbolic links";
      case 95 -> "operation not supported";
      case 122 -> "disk quota exceeded";
      default -> "";
    };
  }
}
