package dev.strata.snapshot.unpack;

import dev.strata.core.digest.Digest;

/**
 * What an unpack did.
 *
 * @param topChainId the name of the image's top snapshot
 * @param layers layers in the image
 * @param applied layers this call applied (the rest were unpacked already, here or elsewhere)
 * @param bytes uncompressed bytes applied
 */
public record UnpackResult(Digest topChainId, int layers, int applied, long bytes) {}
