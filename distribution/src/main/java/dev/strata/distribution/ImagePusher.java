package dev.strata.distribution;

import dev.strata.core.transfer.ImageDestination;
import dev.strata.core.Storage;
import dev.strata.core.transfer.TransferListener;
import dev.strata.distribution.internal.push.PushJob;
import java.io.IOException;

/**
 * Copies an image from the store to an {@link ImageDestination}: blobs before the manifests that
 * name them, manifests before their index, the tag last, so the destination never shows a tag
 * whose content is incomplete. What the destination has is skipped; a blob whose source label
 * names another repository of the same registry is mounted from there. Manifests and indexes are
 * sent as the exact stored bytes, so the pushed digest is the stored one.
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
    return new PushJob(storage, destination, jobs, listener).run(storage.images().get(name).target(), tag);
  }
}
