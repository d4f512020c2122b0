package dev.strata.distribution;

import dev.strata.core.oci.UnsupportedMediaTypeException;

/**
 * A registry served a manifest of a type strata does not pull, such as Docker's schema 1 ({@code
 * application/vnd.docker.distribution.manifest.v1+json}), which was deprecated in 2017 and whose
 * digests cannot be kept. The subject is the reference.
 */
public class UnsupportedManifestException extends UnsupportedMediaTypeException {
  private static final long serialVersionUID = 1L;

  /** Creates the error for {@code reference} served as {@code mediaType}. */
  public UnsupportedManifestException(String reference, String mediaType, String advice) {
    super(reference, mediaType, advice);
  }
}
