package dev.strata.core.internal.posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * A directory held open by descriptor, whose files are looked up by the kernel without leaving it
 * and without following any symbolic link ({@code openat2} with {@code RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}). Renaming or swapping a component for a link
 * while a lookup runs cannot redirect it: the kernel checks each component as it walks.
 *
 * <p>Lookups give {@code O_PATH} descriptors, which open nothing (a FIFO does not block, a device
 * is not touched); {@link Found#procPath()} names the found inode for reading it, and reopening
 * that magic link never resolves a name again.
 */
public final class Beneath implements AutoCloseable {
  private static final int O_DIRECTORY = 0200000;
  private static final int O_NOFOLLOW = 0400000; // x86_64 value; aarch64 below
  private static final int O_NOFOLLOW_AARCH64 = 0100000;
  private static final int O_DIRECTORY_AARCH64 = 040000;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_PATH = 010000000;
  private static final long RESOLVE_NO_MAGICLINKS = 0x02;
  private static final long RESOLVE_NO_SYMLINKS = 0x04;
  private static final long RESOLVE_BENEATH = 0x08;
  private static final int AT_FDCWD = -100;
  /** The openat2 syscall number: 437 on every architecture (unified numbering since Linux 5.1). */
  private static final long SYS_OPENAT2 = 437;
  private static final int ENOENT = 2;
  private static final int ENOTDIR = 20;
  private static final int ELOOP = 40;
  private static final int EXDEV = 18;
  private static final int EAGAIN = 11;
  private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

  private static final Native NATIVE = new Native();

  private final Path path;
  private int fd;

  /** What a {@link #lookup} gives: the entry, or why there is none usable. */
  public sealed interface Lookup permits Found, Refusal {}

  /** Why a lookup found nothing usable. */
  public enum Refusal implements Lookup {
    /** No such entry, or a component on the way is not a directory. */
    ABSENT,
    /** A component is a symbolic link, or the path climbs out of the directory. */
    ESCAPES
  }

  /** A looked-up entry; close it to release its descriptor. */
  public static final class Found implements Lookup, AutoCloseable {
    private int fd;

    private Found(int fd) {
      this.fd = fd;
    }

    /** {@code /proc/self/fd/N}: reading it opens this inode, resolving no name again. */
    public Path procPath() {
      return Path.of("/proc/self/fd/" + fd);
    }

    /** Releases the descriptor. Idempotent. */
    @Override
    public synchronized void close() {
      if (fd >= 0) {
        NATIVE.close(fd);
        fd = -1;
      }
    }
  }

  private Beneath(Path path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /** Opens the directory {@code dir} (following links in {@code dir} itself, as a user named it). */
  public static Beneath open(Path dir) throws IOException {
    int flags = O_PATH | O_CLOEXEC | (AARCH64 ? O_DIRECTORY_AARCH64 : O_DIRECTORY);
    long fd = NATIVE.openat2(AT_FDCWD, dir.toString(), flags, 0);
    if (fd < 0) {
      throw new IOException("cannot open directory " + dir + ": " + Errno.describe((int) -fd));
    }
    return new Beneath(dir, (int) fd);
  }

  /**
   * Looks up {@code relative} (a {@code /}-separated path without {@code ..}) below this
   * directory.
   *
   * @return the entry (close it), or why there is none usable
   */
  public Lookup lookup(String relative) throws IOException {
    int flags = O_PATH | O_CLOEXEC | (AARCH64 ? O_NOFOLLOW_AARCH64 : O_NOFOLLOW);
    long resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    while (true) {
      long rc = NATIVE.openat2(fd, relative, flags, resolve);
      if (rc >= 0) {
        return new Found((int) rc);
      }
      int errno = (int) -rc;
      switch (errno) {
        case ENOENT, ENOTDIR -> {
          return Refusal.ABSENT;
        }
        case ELOOP, EXDEV -> {
          return Refusal.ESCAPES;
        }
        case EAGAIN -> {
          // a rename raced the lookup somewhere in the tree; openat2(2) says retry
        }
        default -> throw new IOException("cannot open " + relative + " in " + path + ": " + Errno.describe(errno));
      }
    }
  }

  /** Releases the directory's descriptor. Idempotent. */
  @Override
  public synchronized void close() {
    if (fd >= 0) {
      NATIVE.close(fd);
      fd = -1;
    }
  }

  /** Errno values as words, for messages. */
  static final class Errno {
    private Errno() {}

    static String describe(int errno) {
      return switch (errno) {
        case 1 -> "operation not permitted";
        case 2 -> "no such file or directory";
        case 13 -> "permission denied";
        case 20 -> "not a directory";
        case 38 -> "openat2 is not supported by this kernel (Linux 5.6 or later is needed)";
        default -> "errno " + errno;
      };
    }
  }

  /** The two libc calls, bound once. */
  private static final class Native {
    private final MethodHandle syscall;
    private final MethodHandle close;
    private final StructLayout callState = Linker.Option.captureStateLayout();
    private final VarHandle errno = callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    Native() {
      Linker linker = Linker.nativeLinker();
      var libc = linker.defaultLookup();
      syscall =
          linker.downcallHandle(
              libc.findOrThrow("syscall"),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
              Linker.Option.captureCallState("errno"),
              Linker.Option.firstVariadicArg(1));
      close = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /** The descriptor, or minus errno. */
    long openat2(int dirfd, String path, int flags, long resolve) throws IOException {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(callState);
        MemorySegment how = arena.allocate(24, 8); // struct open_how { u64 flags, mode, resolve }
        how.set(ValueLayout.JAVA_LONG, 0, flags & 0xffffffffL);
        how.set(ValueLayout.JAVA_LONG, 16, resolve);
        long rc = (long) syscall.invokeExact(state, SYS_OPENAT2, dirfd, arena.allocateFrom(path), how, 24L);
        return rc < 0 ? -(int) errno.get(state, 0L) : rc;
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IOException("openat2 " + path, t);
      }
    }

    void close(int fd) {
      try {
        int ignored = (int) close.invokeExact(fd);
      } catch (Throwable t) {
        throw new IllegalStateException("close(" + fd + ") failed", t);
      }
    }
  }
}
