package dev.strata.core.transfer;

import dev.strata.core.Storage;
import dev.strata.core.internal.transfer.SendJob;
import dev.strata.core.oci.Descriptor;
import java.io.IOException;
import java.util.List;

/**
 * The copier from the store to an {@link ImageDestination}: a registry (distribution's push), an
 * OCI layout, an OCI archive or a docker-archive ({@link ImageExporter}).
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Blobs before the manifests that name them, manifests before their index, each image's tag
 *       after its content, {@link ImageDestination#commit()} last: the destination never shows a
 *       tag whose content is incomplete.
 *   <li>What the destination {@link ImageDestination#has has} is skipped; a blob it can {@link
 *       ImageDestination#mount mount} is not sent.
 *   <li>Manifests and indexes go as the exact stored bytes, so every digest is kept.
 *   <li>An index entry the store lacks (a pull of one platform) stops the copy with a {@link
 *       dev.strata.core.error.NotFoundException}, unless the destination {@link
 *       ImageDestination#takesPartialIndexes takes partial indexes} (a file lists it unfetched).
 * </ul>
 *
 * <pre>{@code
 * try (ImageDestination to = Registry.destination(Reference.parse("localhost:5000/app:1"), RegistryOptions.defaults())) {
 *   Image image = storage.images().get("localhost:5000/app:1");
 *   new ImageCopier(storage).send(List.of(new Tagged(image.target(), "1")), to, SendOptions.pushing(3, TransferListener.NONE));
 * }
 * }</pre>
 */
public final class ImageCopier {
  private final Storage storage;

  /** A copier from {@code storage}. */
  public ImageCopier(Storage storage) {
    this.storage = storage;
  }

  /**
   * An image to send: its root as the store holds it, and the tag the destination gives it (for a
   * file, the image's full name).
   */
  public record Tagged(Descriptor target, String tag) {}

  /**
   * Sends {@code images}, in order, to {@code destination} and commits it.
   *
   * @throws dev.strata.core.error.NotFoundException when a blob an image needs is not in the store
   * @throws dev.strata.core.content.VerificationFailedException with {@link
   *     SendOptions#verifyReads()}, when a stored blob does not match its digest (its cause says
   *     which)
   */
  public CopyResult send(List<Tagged> images, ImageDestination destination, SendOptions options) throws IOException {
    return new SendJob(storage.content(), destination, options).run(images);
  }
}
