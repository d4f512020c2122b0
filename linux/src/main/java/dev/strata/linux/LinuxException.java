package dev.strata.linux;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A failed Linux call: the errno, the call and the path (or other subject) it acted on. Its
 * message reads {@code "open /some/path: no such file or directory"}, strerror's words (see
 * {@link Errno#describe}), plus what the kernel said where it says more (fsconfig). It is a
 * {@link FileSystemException}, so an {@link java.io.IOException} naming the path; {@link
 * #asJdkException()} gives the JDK's specific subtype for callers that promise those.
 */
public final class LinuxException extends FileSystemException {
  private static final long serialVersionUID = 1L;
  private final int errno;
  private final String call;
  private final String detail;

  /** {@code call} on {@code subject} (a byte string, see {@link Names}) failed with {@code errno}. */
  public LinuxException(int errno, String call, String subject) {
    this(errno, call, subject, "");
  }

  /** As {@link #LinuxException(int, String, String)}, with the kernel's own {@code detail}. */
  public LinuxException(int errno, String call, String subject, String detail) {
    super(Names.toText(subject), null, call + ": " + Errno.describe(errno));
    this.errno = errno;
    this.call = call;
    this.detail = detail;
  }

  /** The errno value. */
  public int errno() {
    return errno;
  }

  /** The call that failed, as in the message ({@code "open"}, {@code "setxattr user.a"}). */
  public String call() {
    return call;
  }

  /** The path or subject the call acted on, decoded for display. */
  public String path() {
    return getFile();
  }

  @Override
  public String getMessage() {
    return call + " " + getFile() + ": " + Errno.describe(errno) + (detail.isEmpty() ? "" : " (" + detail + ")");
  }

  /**
   * The JDK's exception for this errno ({@link NoSuchFileException} for ENOENT, {@link
   * AccessDeniedException} for EACCES and EPERM, ...) with this one as its cause, or this one
   * where the JDK has none.
   */
  public FileSystemException asJdkException() {
    FileSystemException e =
        switch (errno) {
          case Errno.ENOENT -> new NoSuchFileException(getFile(), null, getReason());
          case Errno.EEXIST -> new FileAlreadyExistsException(getFile(), null, getReason());
          case Errno.EACCES, Errno.EPERM -> new AccessDeniedException(getFile(), null, getReason());
          case Errno.ENOTDIR -> new NotDirectoryException(getFile());
          case Errno.ENOTEMPTY -> new DirectoryNotEmptyException(getFile());
          case Errno.ELOOP -> new FileSystemLoopException(getFile());
          default -> this;
        };
    if (e != this) {
      e.initCause(this);
    }
    return e;
  }
}
