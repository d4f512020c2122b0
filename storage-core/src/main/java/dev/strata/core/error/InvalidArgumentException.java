package dev.strata.core.error;

/** The request itself is malformed: a bad digest string, an empty ref, a negative offset. */
public non-sealed class InvalidArgumentException extends StrataException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code subject}. */
  public InvalidArgumentException(String subject, String message) {
    super(subject, message);
  }

  /** Creates the error with its cause; {@code message} names {@code subject}. */
  public InvalidArgumentException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
