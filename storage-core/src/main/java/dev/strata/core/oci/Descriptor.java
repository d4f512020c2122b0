package dev.strata.core.oci;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI content descriptor (image-spec descriptor.md): what a blob is, its digest and its size.
 *
 * @param mediaType the blob's media type, such as {@link MediaTypes#OCI_LAYER_GZIP}
 * @param digest the digest of the blob's bytes
 * @param size the blob's length in bytes, never negative
 * @param annotations arbitrary metadata, copied and unmodifiable
 * @param urls where else the blob may be fetched from (foreign layers), copied
 * @param platform the platform of the manifest it points at, in an image index
 * @param artifactType the artifact type of the manifest it points at (image-spec 1.1)
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Map<String, String> annotations,
    List<String> urls,
    Optional<Platform> platform,
    Optional<String> artifactType) {

  /** Validates the fields and copies the collections. */
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
    urls = List.copyOf(urls);
  }

  /** A descriptor with annotations and nothing else optional. */
  public Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations) {
    this(mediaType, digest, size, annotations, List.of(), Optional.empty(), Optional.empty());
  }

  /** A descriptor without annotations. */
  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, Map.of());
  }

  /** This descriptor with other annotations. */
  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(mediaType, digest, size, newAnnotations, urls, platform, artifactType);
  }
}
