package dev.strata.core.transfer;

import dev.strata.core.error.InvalidArgumentException;

/**
 * An archive or layout cannot be read as any image form: a truncated or corrupt tar, a missing
 * {@code index.json} and {@code manifest.json}, a duplicate member. The subject names the archive
 * or the member.
 */
public class MalformedArchiveException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code subject}. */
  public MalformedArchiveException(String subject, String message) {
    super(subject, message);
  }

  /** Creates the error with its cause; {@code message} names {@code subject}. */
  public MalformedArchiveException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
