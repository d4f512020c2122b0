package dev.strata.overlay.internal.posix;

/**
 * An open file descriptor owned by the code that opened it. Closing is idempotent.
 *
 * <p>Not thread-safe: a descriptor belongs to the one apply that opened it.
 */
public final class Fd implements AutoCloseable {
  private int fd;

  Fd(int fd) {
    this.fd = fd;
  }

  /** The descriptor number; -1 after {@link #close()}. */
  public int fd() {
    return fd;
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
