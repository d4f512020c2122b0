package dev.strata.core.transfer;

import dev.strata.core.Storage;
import dev.strata.core.internal.transfer.Exporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Exports images to files: an OCI image layout directory, an OCI archive or a docker-archive.
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
 * <p>Archives are deterministic (same images, same bytes) and written to a temporary file that
 * replaces the target only when complete. A layout directory must be absent or empty.
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
   * @throws dev.strata.core.error.AlreadyExistsException when a layout directory is not empty
   */
  public ExportResult export(List<String> names, Path target, ImageFormat format, ExportOptions options) throws IOException {
    return new Exporter(storage, options).run(names, target, format);
  }
}
