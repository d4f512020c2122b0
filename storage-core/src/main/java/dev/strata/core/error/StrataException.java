package dev.strata.core.error;

/**
 * Root of strata's error categories. Every failure a caller can act on is one of four categories,
 * modelled on containerd's errdefs: {@link NotFoundException}, {@link AlreadyExistsException},
 * {@link FailedPreconditionException} and {@link InvalidArgumentException}. The detail lives in the
 * message, which always names the subject (a digest, a ref, a path); {@link #subject()} returns it
 * for programs. Real I/O failures stay {@link java.io.IOException}.
 */
public abstract sealed class StrataException extends RuntimeException
    permits NotFoundException,
        AlreadyExistsException,
        FailedPreconditionException,
        InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final String subject;

  /** Creates an error about {@code subject} with a message that should name it. */
  protected StrataException(String subject, String message) {
    super(message);
    this.subject = subject;
  }

  /** Creates an error about {@code subject} caused by {@code cause}. */
  protected StrataException(String subject, String message, Throwable cause) {
    super(message, cause);
    this.subject = subject;
  }

  /** The thing the error is about: a digest, ref, key or path, as text. */
  public String subject() {
    return subject;
  }
}
