package dev.strata.overlay.changeset;

import dev.strata.core.error.InvalidArgumentException;

/**
 * The layer stream is not a valid (compressed) tar: a bad header checksum, a truncated entry, a
 * corrupt gzip or zstd stream, an entry type strata does not extract. The message names the
 * entry or the byte offset in the uncompressed tar; {@link #subject()} is that entry name or
 * offset.
 */
public class MalformedLayerException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code subject}. */
  public MalformedLayerException(String subject, String message) {
    super(subject, message);
  }

  /** Creates the error with its cause; {@code message} names {@code subject}. */
  public MalformedLayerException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
