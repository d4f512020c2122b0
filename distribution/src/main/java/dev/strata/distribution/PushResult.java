package dev.strata.distribution;

import dev.strata.core.oci.Descriptor;

/**
 * What a push did.
 *
 * @param target the manifest or index pushed (its digest is the stored one)
 * @param blobsPushed blobs and manifests uploaded
 * @param blobsMounted blobs mounted from another repository of the registry
 * @param blobsPresent blobs and manifests the destination had already
 */
public record PushResult(Descriptor target, int blobsPushed, int blobsMounted, int blobsPresent) {}
