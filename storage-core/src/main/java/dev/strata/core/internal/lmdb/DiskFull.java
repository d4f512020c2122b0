package dev.strata.core.internal.lmdb;

import dev.strata.linux.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A full disk said as the user's problem: "no space left on device writing PATH (store ROOT)",
 * where the JDK says only "No space left on device" and LMDB an errno (ENOSPC, or EIO when a
 * write of its pages failed for want of space).
 */
public final class DiskFull {
  private static final int EIO = 5;
  /** Below this much usable space, LMDB's EIO is taken for a full disk: it writes 4 KiB pages. */
  private static final long NEARLY_FULL = 1 << 20;

  private DiskFull() {}

  /** Whether {@code e}, or a cause of it, is a full disk (ENOSPC, in any of its spellings). */
  public static boolean isNoSpace(Throwable e, Path where) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MdbException n
          && (n.code() == Errno.ENOSPC || (n.code() == EIO && nearlyFull(where)))) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && m.contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  private static boolean nearlyFull(Path where) {
    try {
      return Files.getFileStore(where).getUsableSpace() < NEARLY_FULL;
    } catch (IOException e) {
      return false;
    }
  }

  /** The error for a full disk met writing {@code file} of the store at {@code root}. */
  public static IOException writing(Path file, Path root, Throwable cause) {
    return new IOException(
        Errno.describe(Errno.ENOSPC) + " writing " + file + " (store " + root + "): free space, or run strata gc",
        cause);
  }

  /**
   * {@code e} as {@link #writing} says it when it is a full disk, else {@code e} itself (an
   * unchecked one rethrown).
   */
  public static IOException orNoSpace(IOException e, Path file, Path root) {
    return isNoSpace(e, file.getParent() == null ? file : file.getParent()) ? writing(file, root, e) : e;
  }
}
