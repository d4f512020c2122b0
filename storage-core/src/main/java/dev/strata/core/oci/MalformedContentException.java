package dev.strata.core.oci;

import dev.strata.core.error.InvalidArgumentException;

/**
 * A manifest, index or configuration is not what the image-spec allows: not JSON, a required
 * field missing or of the wrong type, a {@code mediaType} field that disagrees with the descriptor
 * that pointed at it, an index that refers to itself. The subject names the blob (its digest) or
 * the file.
 */
public class MalformedContentException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code subject}. */
  public MalformedContentException(String subject, String message) {
    super(subject, message);
  }

  /** Creates the error with its cause; {@code message} names {@code subject}. */
  public MalformedContentException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
