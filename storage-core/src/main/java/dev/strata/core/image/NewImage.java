package dev.strata.core.image;

import dev.strata.core.oci.Descriptor;
import java.util.Map;

/**
 * What to record for one image: a reference (normalized on the way in), its target and labels.
 *
 * @param name an image reference, normalized by {@link ImageName#parse}
 * @param target a manifest or index descriptor
 * @param labels user data, copied
 */
public record NewImage(String name, Descriptor target, Map<String, String> labels) {
  /** Copies the labels. */
  public NewImage {
    labels = Map.copyOf(labels);
  }

  /** An image without labels. */
  public NewImage(String name, Descriptor target) {
    this(name, target, Map.of());
  }
}
