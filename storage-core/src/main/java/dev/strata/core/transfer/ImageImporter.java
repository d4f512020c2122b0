package dev.strata.core.transfer;

import dev.strata.core.Storage;
import dev.strata.core.image.Image;
import dev.strata.core.internal.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Imports images from files: an OCI image layout directory, an OCI archive, or a docker-archive
 * (with or without the OCI layout docker 25 adds). The form is detected from the contents. A
 * source that cannot seek (a FIFO, {@code <(cat x.tar)}, standard input) is staged first.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Exact.</b> Every manifest, index and config is stored as the bytes it arrived as, so
 *       every digest is kept; layers are stored as they are (tar, tar+gzip, tar+zstd). The one
 *       exception is a docker-archive without an OCI layout, which has no manifest: strata makes
 *       the one skopeo makes (see docs/images.md).
 *   <li><b>Verified while streaming.</b> Each blob's size is checked before it is read and its
 *       digest as it is committed; JSON documents are read only up to 4 MiB.
 *   <li><b>All or nothing.</b> Blobs are written under a lease that is created first; image records
 *       are created in one transaction at the end, and then the lease is deleted. On any failure no
 *       record is created or changed, the import's ingests are aborted and its lease deleted, so
 *       the next collection reclaims what it wrote. The lease belongs to the importing process
 *       ({@link dev.strata.core.lease.LeasedWork}): when it is killed, the lease is abandoned at
 *       once rather than after {@link ImportOptions#leaseExpiry()}.
 * </ul>
 *
 * <pre>{@code
 * ImportResult result = new ImageImporter(storage).importFrom(Path.of("app.tar"), ImportOptions.defaults());
 * result.images().forEach(i -> System.out.println(i.name() + " " + i.target().digest()));
 * }</pre>
 */
public final class ImageImporter {
  private final Storage storage;

  /** An importer into {@code storage}. */
  public ImageImporter(Storage storage) {
    this.storage = storage;
  }

  /**
   * Imports every image {@code source} holds (within the platform matcher), creating or updating
   * their {@link Image} records.
   *
   * @throws MalformedArchiveException when the source is no image form, or a tar is truncated
   * @throws UnsafePathException when a member path is absolute or has {@code ..}
   * @throws dev.strata.core.error.DigestMismatchException when a blob's bytes do not match its
   *     digest
   * @throws dev.strata.core.error.SizeMismatchException when a blob has another size than declared
   * @throws dev.strata.core.error.NotFoundException when a referenced blob is missing, or no image
   *     matches the platform
   * @throws dev.strata.core.oci.MalformedContentException for invalid JSON, a missing field, or an
   *     index that contains itself
   * @throws dev.strata.core.oci.ContentTooLargeException for a JSON document over 4 MiB
   * @throws dev.strata.core.oci.UnsupportedMediaTypeException when an image is neither a manifest
   *     nor an index
   */
  public ImportResult importFrom(Path source, ImportOptions options) throws IOException {
    return new Importer(storage, options).run(source);
  }

  /**
   * Imports an archive (OCI archive or docker-archive) read from {@code in} (standard input, a
   * pipe), as {@link #importFrom(Path, ImportOptions)} does. The stream is staged in a temporary
   * file under the store's {@code tmp/} directory, removed afterwards, because an archive may list
   * its index after its blobs. {@code in} is read to its end and not closed.
   */
  public ImportResult importFrom(InputStream in, ImportOptions options) throws IOException {
    return new Importer(storage, options).run(in);
  }

}
