package dev.strata.core.image;

import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.NotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Image records: normalized names pointing at manifests or indexes in the content store, with
 * containerd's image-store semantics.
 *
 * <p>Names given to any method are normalized with {@link ImageName#parse} first, so {@code
 * debian}, {@code library/debian:latest} and {@code docker.io/library/debian:latest} are one
 * image. A record holds only the target descriptor; the target's blobs and their children must be
 * in the content store, linked by GC labels (see docs/images.md), before a record points at them
 * (the importer guarantees this under a lease). Records live in the store's LMDB environment
 * (table {@code images}); every method is thread-safe and safe across processes.
 */
public interface ImageStore {

  /** The image {@code name}, or empty. */
  Optional<Image> find(String name) throws IOException;

  /**
   * The image {@code name}.
   *
   * @throws NotFoundException when there is none
   */
  default Image get(String name) throws IOException {
    return find(name)
        .orElseThrow(() -> new NotFoundException(name, "image " + ImageName.parse(name) + " not found"));
  }

  /** Every image, sorted by name. */
  List<Image> list() throws IOException;

  /**
   * Records a new image.
   *
   * @throws AlreadyExistsException when the name is taken
   * @throws dev.strata.core.oci.UnsupportedMediaTypeException when the target is neither a
   *     manifest nor an index
   */
  Image create(NewImage image) throws IOException;

  /**
   * Records every image in one transaction: each name is created, or updated to the new target
   * and labels (keeping its creation time). Either all are recorded or none.
   *
   * @return the records as stored, in the order given
   */
  List<Image> putAll(List<NewImage> images) throws IOException;

  /**
   * Points {@code target} at what {@code source} points at, with the same labels, creating or
   * replacing {@code target}.
   *
   * @throws NotFoundException when {@code source} does not exist
   */
  Image tag(String source, String target) throws IOException;

  /**
   * Deletes the record (not its blobs: the garbage collector reclaims those no root reaches).
   *
   * @throws NotFoundException when there is no such image
   */
  void delete(String name) throws IOException;
}
