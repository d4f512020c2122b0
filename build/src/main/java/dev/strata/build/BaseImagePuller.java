package dev.strata.build;

import java.io.IOException;

/**
 * Fetches an image a FROM (or {@code COPY --from}) names and the store lacks, so the build can
 * go on: the CLI gives one that pulls from the registry (the distribution module), which the
 * build module does not depend on.
 */
@FunctionalInterface
public interface BaseImagePuller {
  /**
   * Stores the image {@code reference} in the store under that name.
   *
   * @throws dev.strata.core.error.NotFoundException when the registry has no such image
   */
  void pull(String reference) throws IOException;
}
