package dev.strata.core.error;

/** The object to be created exists already under that name. */
public non-sealed class AlreadyExistsException extends StrataException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code subject}. */
  public AlreadyExistsException(String subject, String message) {
    super(subject, message);
  }
}
