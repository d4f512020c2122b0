package dev.strata.core.transfer;

import dev.strata.core.Storage;
import dev.strata.core.internal.transfer.Exporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Exports images to files: an OCI image layout directory, an OCI archive or a docker-archive. It
 * is {@link ImageCopier} with a file transport's destination, the copier a push runs with a
 * registry's.
 *
 * <ul>
 *   <li><b>oci-layout / oci-archive</b>: every stored blob the images reach, byte for byte, and an
 *       {@code index.json} listing each image's target with {@code io.containerd.image.name} (the
 *       full name) and {@code org.opencontainers.image.ref.name} (its tag). Importing it again
 *       gives the same digests and names.
 *   <li><b>docker-archive</b>: {@code manifest.json}, each config as {@code HEX.json} and each layer
 *       uncompressed as {@code DIFFID.tar} (decompressed and checked against the config's diffID),
 *       as {@code docker save} and skopeo write them. The config digest (docker's image ID) is kept;
 *       the manifest, which a docker-archive does not carry, is the one skopeo computes.
 * </ul>
 *
 * <p>Every blob is verified against its digest while it streams out; a blob the store holds
 * damaged stops the export with {@link dev.strata.core.error.DigestMismatchException} naming it.
 *
 * <p>Archives are deterministic (same images, same bytes) and written to a temporary file beside
 * the target that replaces it only when complete; an existing archive is replaced only with
 * {@link ExportOptions#overwrite()}. A layout directory that is absent or empty gets a new layout,
 * renamed into place when complete; an existing OCI layout gets this image's entry added to (or
 * replaced in, by {@code org.opencontainers.image.ref.name}) its {@code index.json} and the blobs
 * it lacks; blobs it has are verified, never rewritten. Any other non-empty directory is refused.
 * Whatever fails, nothing is left at the target: temporaries are removed, and those of a killed
 * export (named {@code .strata-export-TARGET-*}, locked by their process) by the next export to
 * the same target. Files are created with the process's umask, as skopeo's are.
 */
public final class ImageExporter {
  private final Storage storage;

  /** An exporter from {@code storage}. */
  public ImageExporter(Storage storage) {
    this.storage = storage;
  }

  /**
   * Writes the images {@code names} to {@code target} in {@code format}.
   *
   * @throws dev.strata.core.error.NotFoundException when an image, or a blob a manifest needs, is
   *     not in the store, or (docker-archive) an index has no manifest for the platform
   * @throws dev.strata.core.error.AlreadyExistsException when a directory is not empty and no
   *     OCI layout, or an archive exists and {@code options} do not overwrite
   * @throws dev.strata.core.error.DigestMismatchException when a blob's stored bytes, or a blob
   *     already in the target layout, do not match its digest
   */
  public ExportResult export(List<String> names, Path target, ImageFormat format, ExportOptions options) throws IOException {
    return new Exporter(storage, options).run(names, target, format);
  }

  /**
   * Writes the images {@code names} as an archive to {@code out} (standard output, a pipe), which
   * stays open. A failure leaves the stream truncated and throws; the result's target is {@code
   * -}.
   *
   * @throws dev.strata.core.error.InvalidArgumentException for {@link ImageFormat#OCI_LAYOUT}
   * @throws dev.strata.core.error.DigestMismatchException when a blob's stored bytes do not match
   */
  public ExportResult export(List<String> names, OutputStream out, ImageFormat format, ExportOptions options) throws IOException {
    return new Exporter(storage, options).run(names, out, format);
  }
}
