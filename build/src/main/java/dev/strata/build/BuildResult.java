package dev.strata.build;

import dev.strata.core.digest.Digest;
import dev.strata.core.oci.Descriptor;
import java.util.List;

/**
 * What a build made.
 *
 * @param manifest the image's manifest
 * @param imageId the config's digest (Docker's image ID, what {@code --iidfile} writes)
 * @param tags the image records written
 * @param steps the steps run or reused
 * @param cached the steps the cache supplied
 */
public record BuildResult(Descriptor manifest, Digest imageId, List<String> tags, int steps, int cached) {
  /** Copies. */
  public BuildResult {
    tags = List.copyOf(tags);
  }
}
