package dev.strata.distribution;

import dev.strata.core.transfer.ImageSource;
import dev.strata.core.Storage;
import dev.strata.distribution.internal.pull.PullJob;
import java.io.IOException;

/**
 * Copies an image from an {@link ImageSource} into the store and records it.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Children are stored before their parents, and every manifest or index carries the GC
 *       labels of its children when it is committed, so the image record (written last) reaches
 *       everything the collector must keep. A lease protects the blobs until then.
 *   <li>Every blob goes through a resumable ingest whose ref is stable for (registry, repository,
 *       digest): a pull killed half-way and started again continues at the stored offset. The
 *       content store verifies digest and size on commit: nothing unverified becomes visible.
 *   <li>A blob already in the store is not fetched; it gains the source label.
 *   <li>An index is stored whole (its bytes never change); only the manifests of the selected
 *       platforms are fetched, or all with {@link dev.strata.core.oci.PlatformMatcher#all()}.
 * </ul>
 *
 * <pre>{@code
 * try (ImageSource src = Registry.source(Reference.parse("localhost:5000/app:1"), RegistryOptions.defaults())) {
 *   PullResult r = new ImagePuller(storage).pull(src, "localhost:5000/app:1", PullOptions.defaults());
 *   System.out.println(r.image().target().digest());
 * }
 * }</pre>
 */
public final class ImagePuller {
  private final Storage storage;

  /** A puller into {@code storage}. */
  public ImagePuller(Storage storage) {
    this.storage = storage;
  }

  /**
   * Pulls what {@code source} resolves to and records it under {@code options.name()}, or under
   * {@code defaultName} when none is given.
   *
   * @throws dev.strata.core.error.NotFoundException when an index has no manifest for the asked
   *     platform (the message lists those it has)
   * @throws dev.strata.core.error.DigestMismatchException when a blob or manifest does not hash to
   *     its digest (nothing of it is visible)
   */
  public PullResult pull(ImageSource source, String defaultName, PullOptions options) throws IOException {
    return new PullJob(storage, source, options).run(options.name().orElse(defaultName));
  }
}
