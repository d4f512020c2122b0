package dev.strata.core.oci;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import java.util.Map;

/**
 * An OCI content descriptor (image-spec descriptor.md): what a blob is, its digest and its size.
 *
 * @param mediaType the blob's media type, such as {@link MediaTypes#OCI_LAYER_GZIP}
 * @param digest the digest of the blob's bytes
 * @param size the blob's length in bytes, never negative
 * @param annotations arbitrary metadata, copied and unmodifiable
 */
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations) {

  /** Validates the fields and copies the annotations. */
  public Descriptor {
    if (mediaType == null || mediaType.isBlank()) {
      throw new InvalidArgumentException(String.valueOf(digest), "descriptor of " + digest + " has no mediaType");
    }
    if (digest == null) {
      throw new InvalidArgumentException(mediaType, "descriptor of type " + mediaType + " has no digest");
    }
    if (size < 0) {
      throw new InvalidArgumentException(digest.toString(), "descriptor of " + digest + " has negative size " + size);
    }
    annotations = Map.copyOf(annotations);
  }

  /** A descriptor without annotations. */
  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, Map.of());
  }
}
