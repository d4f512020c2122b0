package dev.strata.core.transfer;

import dev.strata.core.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Where an image is copied from (containers/image calls these transports): a registry
 * (distribution's {@code Registry.source}). A source resolves its reference
 * to the root descriptor (a manifest or an index), then serves manifests by descriptor, exact
 * bytes, and blobs as streams, from an offset when it can. The interface lives in storage-core, so
 * that transports of storage-core (the files) and of distribution (the registry) are ends of one
 * copier.
 *
 * <pre>{@code
 * try (ImageSource src = Registry.source(Reference.parse("debian"), RegistryOptions.defaults())) {
 *   Descriptor root = src.resolve();
 *   byte[] index = src.manifest(root);            // exact bytes, digest checked
 *   try (BlobStream s = src.blob(layer, 0)) { ... }
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe: a copier fetches several blobs at once.
 */
public interface ImageSource extends AutoCloseable {

  /** What this source is, for messages: such as {@code docker.io/library/debian:latest}. */
  String describe();

  /**
   * The descriptor the reference names: media type, digest and size of its manifest or index.
   *
   * @throws dev.strata.core.error.NotFoundException when there is no such image
   * @throws dev.strata.core.oci.UnsupportedMediaTypeException when it is of a type strata does not
   *     copy
   */
  Descriptor resolve() throws IOException;

  /**
   * The exact bytes of the manifest or index {@code descriptor} names, checked against its digest
   * and size.
   *
   * @throws dev.strata.core.error.DigestMismatchException when the bytes do not hash to the digest
   */
  byte[] manifest(Descriptor descriptor) throws IOException;

  /**
   * Opens the blob {@code descriptor} at {@code offset}. A source that cannot start in the middle
   * starts at 0 and says so in {@link BlobStream#offset()}; the caller skips what it has. The bytes
   * are not verified here: the content store verifies them when the ingest commits.
   */
  BlobStream blob(Descriptor descriptor, long offset) throws IOException;

  /**
   * Where the blobs come from, stable across tags and digests of one image (a registry's {@code
   * registry/repository}): it names the resumable ingests, so a pull resumes another's download.
   */
  default String origin() {
    return describe();
  }

  /** Labels to put on every blob copied from here (the registry names its repository). */
  default Map<String, String> blobLabels() {
    return Map.of();
  }

  /** Releases connections; idempotent. */
  @Override
  default void close() throws IOException {}

  /**
   * A blob's bytes from {@code offset} on.
   *
   * @param in the bytes; close it
   * @param offset where {@code in} starts within the blob
   */
  record BlobStream(InputStream in, long offset) implements AutoCloseable {
    /** Closes the stream. */
    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
