package dev.strata.distribution;

import dev.strata.core.transfer.ImageDestination;
import dev.strata.core.Storage;
import dev.strata.core.transfer.TransferListener;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.CopyResult;
import dev.strata.core.transfer.ImageCopier;
import dev.strata.core.transfer.SendOptions;
import java.io.IOException;
import java.util.List;

/**
 * Copies an image from the store to an {@link ImageDestination}: blobs before the manifests that
 * name them, manifests before their index, the tag last, so the destination never shows a tag
 * whose content is incomplete. What the destination has is skipped; a blob whose source label
 * names another repository of the same registry is mounted from there. Manifests and indexes are
 * sent as the exact stored bytes, so the pushed digest is the stored one. This is storage-core's
 * {@link ImageCopier}, the copier of every transport, with the registry's destination.
 */
public final class ImagePusher {
  private final Storage storage;

  /** A pusher from {@code storage}. */
  public ImagePusher(Storage storage) {
    this.storage = storage;
  }

  /**
   * Pushes the image record {@code name} to {@code destination} and tags it {@code tag}.
   *
   * @throws dev.strata.core.error.NotFoundException when there is no such image, or an index
   *     names a manifest the store lacks (a pull of one platform: pull with all platforms first)
   */
  public PushResult push(String name, ImageDestination destination, String tag, int jobs, TransferListener listener) throws IOException {
    Descriptor target = storage.images().get(name).target();
    CopyResult r = new ImageCopier(storage).send(List.of(new ImageCopier.Tagged(target, tag)), destination, SendOptions.pushing(jobs, listener));
    return new PushResult(target, r.blobsCopied(), r.blobsMounted(), r.blobsPresent());
  }
}
