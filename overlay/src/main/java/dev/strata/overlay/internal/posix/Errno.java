package dev.strata.overlay.internal.posix;

import dev.strata.core.internal.posix.Strerror;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** errno values strata reacts to (asm-generic/errno-base.h, errno.h) and their exceptions. */
public final class Errno {
  private Errno() {}

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int EMLINK = 31;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int EOPNOTSUPP = 95;

  /** A failed call: the JDK's own exception type where one fits, always naming the subject. */
  public static PosixException exception(int errno, String call, String subject) {
    return new PosixException(errno, call, subject);
  }

  /** Short text for {@code errno}: strerror(3)'s words, a clearer one for a few. */
  static String describe(int errno) {
    return switch (errno) {
      case EPERM -> "operation not permitted";
      case ENOENT -> "no such file or directory";
      case EACCES -> "permission denied";
      case EEXIST -> "file exists";
      case EXDEV -> "crosses a device or leaves the root";
      case ENOTDIR -> "not a directory";
      case EISDIR -> "is a directory";
      case EINVAL -> "invalid argument";
      case EMLINK -> "too many links";
      case ENAMETOOLONG -> "file name too long";
      case ENOTEMPTY -> "directory not empty";
      case ELOOP -> "too many levels of symbolic links";
      case EOPNOTSUPP -> "operation not supported";
      default -> Strerror.describe(errno);
    };
  }

  /** Printable form of a byte-per-char name: decoded as UTF-8 for messages only. */
  public static String printable(String name) {
    return new String(name.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  /**
   * A failed system call. It is a {@link FileSystemException} (so an {@link IOException} naming
   * the path) and keeps {@link #errno()} for callers that branch on it; {@link #asJdkException()}
   * gives the JDK's specific subtype.
   */
  public static final class PosixException extends FileSystemException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    PosixException(int errno, String call, String subject) {
      super(printable(subject), null, call + ": " + describe(errno));
      this.errno = errno;
    }

    public int errno() {
      return errno;
    }

    /** The JDK's exception for this errno (NoSuchFileException for ENOENT, ...). */
    public FileSystemException asJdkException() {
      FileSystemException e =
          switch (errno) {
            case ENOENT -> new NoSuchFileException(getFile(), null, getReason());
            case EEXIST -> new FileAlreadyExistsException(getFile(), null, getReason());
            case EACCES, EPERM -> new AccessDeniedException(getFile(), null, getReason());
            case ENOTDIR -> new NotDirectoryException(getFile());
            case ENOTEMPTY -> new DirectoryNotEmptyException(getFile());
            case ELOOP -> new FileSystemLoopException(getFile());
            default -> this;
          };
      if (e != this) {
        e.initCause(this);
      }
      return e;
    }
  }
}
