package dev.strata.distribution;

import dev.strata.core.image.Image;

/**
 * What a pull did.
 *
 * @param image the image record, pointing at the manifest or index pulled
 * @param blobsFetched blobs (and manifests) downloaded
 * @param blobsPresent blobs the store had already
 * @param bytesFetched bytes downloaded, resumed ones counted once
 */
public record PullResult(Image image, int blobsFetched, int blobsPresent, long bytesFetched) {}
