package dev.strata.core.error;

/**
 * Stored content is damaged: a blob's file is missing or has the wrong size, or its metadata
 * cannot be decoded. The subject names the blob. {@code strata fsck} reports and repairs these.
 */
public class CorruptContentException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code subject}. */
  public CorruptContentException(String subject, String message) {
    super(subject, message);
  }
}
