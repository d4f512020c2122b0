package dev.strata.core.oci;

import dev.strata.core.error.InvalidArgumentException;

/**
 * A blob that strata must understand (the target of an image: a manifest or an index) has a media
 * type strata does not know. The subject is the blob's digest; {@link #mediaType()} the type.
 */
public class UnsupportedMediaTypeException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final String mediaType;

  /** Creates the error for the blob {@code subject} of type {@code mediaType}. */
  public UnsupportedMediaTypeException(String subject, String mediaType, String context) {
    super(subject, context + ": unsupported media type '" + mediaType + "' of " + subject);
    this.mediaType = mediaType;
  }

  /** The media type that was refused. */
  public String mediaType() {
    return mediaType;
  }
}
