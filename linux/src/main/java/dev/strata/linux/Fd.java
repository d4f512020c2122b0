package dev.strata.linux;

/**
 * An open file descriptor owned by the code that opened it. Closing is idempotent.
 *
 * <p>Not thread-safe: a descriptor belongs to the one task that opened it.
 */
public final class Fd implements AutoCloseable {
  /** The current directory ({@code AT_FDCWD}) for the {@code *at} calls; closing it does nothing. */
  public static final Fd CWD = new Fd(Posix.AT_FDCWD);

  private int fd;

  Fd(int fd) {
    this.fd = fd;
  }

  /** The descriptor number; -1 after {@link #close()}. */
  public int fd() {
    return fd;
  }

  /** {@code /proc/self/fd/N}: a path that names this descriptor's inode without a lookup. */
  public String procPath() {
    return "/proc/self/fd/" + fd;
  }

  /** Closes the descriptor. Idempotent. */
  @Override
  public void close() {
    if (fd >= 0) {
      Posix.close(fd);
      fd = -1;
    }
  }

  @Override
  public String toString() {
    return "fd " + fd;
  }
}
