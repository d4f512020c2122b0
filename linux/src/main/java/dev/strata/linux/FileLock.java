package dev.strata.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
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
  private static final int F_OFD_GETLK = 36;
  private static final int F_OFD_SETLK = 37;
  private static final short F_UNLCK = 2;
  private static final short F_WRLCK = 1;

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

  private static final Libc.Function FCNTL = Libc.bind("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), 2);

  private final Path path;
  private final Fd fd;

  private FileLock(Path path, Fd fd) {
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
      Fd fd = open(path, create);
      if (!tryLock(fd, path)) {
        fd.close();
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
    Fd fd;
    try {
      fd = open(path, false);
    } catch (NoSuchFileException e) {
      return false;
    }
    try (fd) {
      return probe(fd, path);
    }
  }

  /** The locked path. */
  public Path path() {
    return path;
  }

  private boolean stillNamesLockedFile() throws IOException {
    try {
      Object locked = Files.readAttributes(Path.of(fd.procPath()), "unix:dev,ino");
      Object named = Files.readAttributes(path, "unix:dev,ino");
      return Objects.equals(locked, named);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Releases the lock. Idempotent. */
  @Override
  public synchronized void close() {
    fd.close();
  }

  private static Fd open(Path path, boolean create) throws IOException {
    int flags = Posix.O_RDWR | Posix.O_CLOEXEC | (create ? Posix.O_CREAT : 0);
    try {
      return Posix.openat(Fd.CWD, Names.of(path), flags, 0644, Names.of(path));
    } catch (LinuxException e) {
      if (e.errno() == Errno.ENOENT) {
        throw new NoSuchFileException(path.toString());
      }
      throw e;
    }
  }

  /** F_OFD_GETLK: true when a conflicting lock exists. */
  private static boolean probe(Fd fd, Path path) throws IOException {
    short[] type = new short[1];
    Libc.call(
        "probe lock on",
        Names.of(path),
        (a, s) -> {
          MemorySegment flock = a.allocate(FLOCK);
          flock.set(ValueLayout.JAVA_SHORT, 0, F_WRLCK);
          int rc = (int) FCNTL.handle().invokeExact(s, fd.fd(), F_OFD_GETLK, flock);
          type[0] = flock.get(ValueLayout.JAVA_SHORT, 0);
          return rc;
        });
    return type[0] != F_UNLCK;
  }

  /** F_OFD_SETLK of a write lock on the whole file: false when another descriptor holds one. */
  private static boolean tryLock(Fd fd, Path path) throws IOException {
    long rc =
        Libc.attempt(
            (a, s) -> {
              MemorySegment flock = a.allocate(FLOCK);
              flock.set(ValueLayout.JAVA_SHORT, 0, F_WRLCK); // l_whence SEEK_SET, start 0, len 0: whole file
              return (int) FCNTL.handle().invokeExact(s, fd.fd(), F_OFD_SETLK, flock);
            });
    if (rc >= 0) {
      return true;
    }
    if (rc == -Errno.EAGAIN || rc == -Errno.EACCES) {
      return false;
    }
    throw new LinuxException((int) -rc, "lock", Names.of(path));
  }
}
