package dev.strata.core.transfer;

/**
 * What a copy from the store did.
 *
 * @param blobsCopied blobs and manifests the destination was given
 * @param blobsMounted blobs the destination took from another place it holds (a registry's
 *     cross-repository mount)
 * @param blobsPresent blobs and manifests the destination had already
 */
public record CopyResult(int blobsCopied, int blobsMounted, int blobsPresent) {}
