package dev.strata.core.transfer;

import dev.strata.core.image.Image;
import java.util.List;

/**
 * What an import did.
 *
 * @param format the form the source was detected as
 * @param images the image records created or updated, in the order the source lists them
 * @param blobsWritten blobs copied into the store
 * @param blobsSkipped blobs the store already had
 * @param bytesWritten bytes copied into the store
 */
public record ImportResult(ImageFormat format, List<Image> images, int blobsWritten, int blobsSkipped, long bytesWritten) {
  /** Copies the list. */
  public ImportResult {
    images = List.copyOf(images);
  }
}
