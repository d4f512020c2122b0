package dev.strata.core.error;

/** The named object (blob, ingest, image, snapshot...) does not exist. */
public non-sealed class NotFoundException extends StrataException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code subject}. */
  public NotFoundException(String subject, String message) {
    super(subject, message);
  }
}
