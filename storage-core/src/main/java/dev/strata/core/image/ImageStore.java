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

  /**
   * The image {@code reference} means, or empty: the one lookup every command that takes an image
   * uses. Tried in docker's order:
   *
   * <ol>
   *   <li>the record of that name, normalized ({@code debian} is {@code
   *       docker.io/library/debian:latest});
   *   <li>for {@code name@sha256:...}, a record of that repository whose target has that digest;
   *   <li>a manifest or index digest, {@code sha256:HEX};
   *   <li>a unique prefix of at least 12 hex digits of a target digest (docker's image IDs),
   *       with or without {@code sha256:}.
   * </ol>
   *
   * Where several names share the matching digest, the first by name is returned.
   *
   * @throws AmbiguousImageReferenceException when a prefix matches images of different digests
   * @throws dev.strata.core.error.InvalidArgumentException when {@code reference} is neither a
   *     valid name nor a digest prefix
   */
  Optional<Image> find(String reference) throws IOException;

  /**
   * The image {@code reference} means, resolved as {@link #find}.
   *
   * @throws NotFoundException when there is none
   */
  default Image get(String reference) throws IOException {
    return find(reference).orElseThrow(() -> new NotFoundException(reference, "image " + reference + " not found"));
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
   * Points {@code target} at what {@code source} (resolved as {@link #find}) points at, with the
   * same labels, creating or replacing {@code target}.
   *
   * @throws NotFoundException when {@code source} does not exist
   * @throws dev.strata.core.error.InvalidArgumentException when {@code target} carries a digest
   *     ({@code foo@sha256:X}) that is not the source's
   */
  Image tag(String source, String target) throws IOException;

  /**
   * Deletes the record of exactly the name {@code name} (normalized; resolve references first with
   * {@link #find}) ; not its blobs: the garbage collector reclaims those no root reaches.
   *
   * @throws NotFoundException when there is no such image
   */
  void delete(String name) throws IOException;
}
