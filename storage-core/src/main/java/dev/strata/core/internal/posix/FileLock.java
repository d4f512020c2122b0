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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An exclusive open-file-description lock (Linux {@code F_OFD_SETLK}) on a whole file.
 *
 * <p>Why not {@link java.nio.channels.FileLock}: the JDK uses classic POSIX record locks, which
 * belong to the process, so closing <em>any</em> descriptor of the file in this JVM silently drops
 * them. OFD locks belong to the descriptor that took them: they exclude other threads of this JVM
 * and other processes alike, and vanish when the holder closes them or dies (kill -9 included).
 *
 * <p>A lock guards a <em>path</em> only while the path still names the locked inode: a holder may
 * unlink or rename the file. {@link #tryLock} therefore re-checks after locking that the path and
 * the descriptor name the same inode, and retries when they do not.
 */
public final class FileLock implements AutoCloseable {
  private static final int O_RDWR = 2;
  private static final int O_CREAT = 0100;
  private static final int O_CLOEXEC = 02000000;
  private static final int F_OFD_GETLK = 36;
  private static final int F_OFD_SETLK = 37;
  private static final short F_UNLCK = 2;
  private static final short F_WRLCK = 1;
  private static final int EAGAIN = 11;
  private static final int EACCES = 13;
  private static final int ENOENT = 2;

  /** struct flock on Linux (x86_64 and aarch64): short, short, off_t, off_t, pid_t. */
  private static final StructLayout FLOCK =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_SHORT.withName("l_type"),
          ValueLayout.JAVA_SHORT.withName("l_whence"),
          MemoryLayout.paddingLayout(4),
          ValueLayout.JAVA_LONG.withName("l_start"),
          ValueLayout.JAVA_LONG.withName("l_len"),
          ValueLayout.JAVA_INT.withName("l_pid"),
          MemoryLayout.paddingLayout(4));

  private static final Native NATIVE = new Native();

  private final Path path;
  private int fd;

  private FileLock(Path path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /**
   * Locks {@code path}, creating it when {@code create} is set.
   *
   * @return the lock, or empty when another descriptor (this process or another) holds it
   * @throws NoSuchFileException when the file is absent and {@code create} is false
   */
  public static Optional<FileLock> tryLock(Path path, boolean create) throws IOException {
    while (true) {
      int fd = NATIVE.open(path, create);
      if (!NATIVE.tryLock(fd, path)) {
        NATIVE.close(fd);
        return Optional.empty();
      }
      FileLock lock = new FileLock(path, fd);
      if (lock.stillNamesLockedFile()) {
        return Optional.of(lock);
      }
      lock.close(); // the holder before us renamed or unlinked it; lock what the path names now
      if (!create && !Files.exists(path)) {
        throw new NoSuchFileException(path.toString());
      }
    }
  }

  /**
   * Whether some descriptor holds a lock on {@code path}, without taking one (so a probe never
   * makes a real locker fail). False when the file does not exist.
   */
  public static boolean isLocked(Path path) throws IOException {
    int fd;
    try {
      fd = NATIVE.open(path, false);
    } catch (NoSuchFileException e) {
      return false;
    }
    try {
      return NATIVE.probe(fd, path);
    } finally {
      NATIVE.close(fd);
    }
  }

  /** The locked path. */
  public Path path() {
    return path;
  }

  private boolean stillNamesLockedFile() throws IOException {
    try {
      Object locked = Files.readAttributes(Path.of("/proc/self/fd/" + fd), "unix:dev,ino");
      Object named = Files.readAttributes(path, "unix:dev,ino");
      return Objects.equals(locked, named);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Releases the lock. Idempotent. */
  @Override
  public synchronized void close() {
    if (fd >= 0) {
      NATIVE.close(fd);
      fd = -1;
    }
  }

  /** The three libc calls, bound once. */
  private static final class Native {
    private final MethodHandle open;
    private final MethodHandle fcntl;
    private final MethodHandle close;
    private final StructLayout callState = Linker.Option.captureStateLayout();
    private final VarHandle errno =
        callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    Native() {
      Linker linker = Linker.nativeLinker();
      var libc = linker.defaultLookup();
      Linker.Option captureErrno = Linker.Option.captureCallState("errno");
      open =
          linker.downcallHandle(
              libc.findOrThrow("open"),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
              captureErrno,
              Linker.Option.firstVariadicArg(2));
      fcntl =
          linker.downcallHandle(
              libc.findOrThrow("fcntl"),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
              captureErrno,
              Linker.Option.firstVariadicArg(2));
      close =
          linker.downcallHandle(
              libc.findOrThrow("close"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    int open(Path path, boolean create) throws IOException {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(callState);
        int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
        int fd = (int) open.invokeExact(state, arena.allocateFrom(path.toString()), flags, 0644);
        if (fd < 0) {
          int err = (int) errno.get(state, 0L);
          if (err == ENOENT) {
            throw new NoSuchFileException(path.toString());
          }
          throw new IOException("open " + path + " failed: errno " + err);
        }
        return fd;
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IOException("open " + path, t);
      }
    }

    /** F_OFD_GETLK: true when a conflicting lock exists. */
    boolean probe(int fd, Path path) throws IOException {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(callState);
        MemorySegment flock = arena.allocate(FLOCK);
        flock.set(ValueLayout.JAVA_SHORT, 0, F_WRLCK);
        int rc = (int) fcntl.invokeExact(state, fd, F_OFD_GETLK, flock);
        if (rc != 0) {
          throw new IOException("probe lock on " + path + " failed: errno " + (int) errno.get(state, 0L));
        }
        return flock.get(ValueLayout.JAVA_SHORT, 0) != F_UNLCK;
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IOException("probe lock on " + path, t);
      }
    }

    boolean tryLock(int fd, Path path) throws IOException {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(callState);
        MemorySegment flock = arena.allocate(FLOCK);
        flock.set(ValueLayout.JAVA_SHORT, 0, F_WRLCK); // l_whence SEEK_SET, start 0, len 0: whole file
        int rc = (int) fcntl.invokeExact(state, fd, F_OFD_SETLK, flock);
        if (rc == 0) {
          return true;
        }
        int err = (int) errno.get(state, 0L);
        if (err == EAGAIN || err == EACCES) {
          return false;
        }
        throw new IOException("lock " + path + " failed: errno " + err);
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IOException("lock " + path, t);
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
