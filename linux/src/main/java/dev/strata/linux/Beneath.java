package dev.strata.linux;

import java.io.IOException;
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
  private final Path path;
  private final Fd fd;

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
    private final Fd fd;

    private Found(Fd fd) {
      this.fd = fd;
    }

    /** {@code /proc/self/fd/N}: reading it opens this inode, resolving no name again. */
    public Path procPath() {
      return Path.of(fd.procPath());
    }

    /** Releases the descriptor. Idempotent. */
    @Override
    public synchronized void close() {
      fd.close();
    }
  }

  private Beneath(Path path, Fd fd) {
    this.path = path;
    this.fd = fd;
  }

  /** Opens the directory {@code dir} (following links in {@code dir} itself, as a user named it). */
  public static Beneath open(Path dir) throws IOException {
    long fd = Posix.openat2OrErrno(Fd.CWD, Names.of(dir), Posix.O_PATH | Posix.O_CLOEXEC | Posix.O_DIRECTORY, 0);
    if (fd < 0) {
      throw new IOException("cannot open directory " + dir + ": " + describe((int) -fd));
    }
    return new Beneath(dir, new Fd((int) fd));
  }

  /**
   * Looks up {@code relative} (a {@code /}-separated path without {@code ..}) below this
   * directory.
   *
   * @return the entry (close it), or why there is none usable
   */
  public Lookup lookup(String relative) throws IOException {
    int flags = Posix.O_PATH | Posix.O_CLOEXEC | Posix.O_NOFOLLOW;
    long resolve = Posix.RESOLVE_BENEATH | Posix.RESOLVE_NO_SYMLINKS | Posix.RESOLVE_NO_MAGICLINKS;
    while (true) {
      long rc = Posix.openat2OrErrno(fd, Names.fromText(relative), flags, resolve);
      if (rc >= 0) {
        return new Found(new Fd((int) rc));
      }
      int errno = (int) -rc;
      switch (errno) {
        case Errno.ENOENT, Errno.ENOTDIR -> {
          return Refusal.ABSENT;
        }
        case Errno.ELOOP, Errno.EXDEV -> {
          return Refusal.ESCAPES;
        }
        case Errno.EAGAIN -> {
          // a rename raced the lookup somewhere in the tree; openat2(2) says retry
        }
        default -> throw new IOException("cannot open " + relative + " in " + path + ": " + describe(errno));
      }
    }
  }

  /** Releases the directory's descriptor. Idempotent. */
  @Override
  public synchronized void close() {
    fd.close();
  }

  private static String describe(int errno) {
    return errno == Errno.ENOSYS ? "openat2 is not supported by this kernel (Linux 5.6 or later is needed)" : Errno.describe(errno);
  }
}
