package dev.strata.core.error;

/**
 * The request is well formed, but the state of the store forbids it now: content does not match
 * its digest, a ref is in use, a snapshot still has children.
 */
public non-sealed class FailedPreconditionException extends StrataException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code subject}. */
  public FailedPreconditionException(String subject, String message) {
    super(subject, message);
  }

  /** Creates the error with its cause; {@code message} names {@code subject}. */
  public FailedPreconditionException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
