package dev.strata.core.oci;

import dev.strata.core.error.InvalidArgumentException;

/**
 * A JSON document (manifest, index, configuration, or an archive's own index) is larger than
 * strata reads into memory. The subject names the blob or file.
 */
public class ContentTooLargeException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;

  /** Creates the error for {@code subject} of {@code size} bytes, over {@code limit}. */
  public ContentTooLargeException(String subject, long size, long limit) {
    super(subject, subject + " is " + size + " bytes, more than the " + limit + " bytes allowed for JSON documents");
    this.size = size;
    this.limit = limit;
  }

  /** The size found (at least {@code limit + 1} when the end was not read). */
  public long size() {
    return size;
  }

  /** The limit. */
  public long limit() {
    return limit;
  }
}
